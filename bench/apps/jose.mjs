import { createRemoteJWKSet, jwtVerify } from 'jose';

const keys = createRemoteJWKSet(new URL('https://idp.example.com/jwks.json'));
export const check = (token) =>
  jwtVerify(token, keys, { issuer: 'https://idp.example.com', audience: 'app' });
