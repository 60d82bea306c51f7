import { createVerifier, jwks } from 'tokenward';

const verifier = createVerifier({
  keys: jwks('https://idp.example.com/jwks.json'),
  issuer: 'https://idp.example.com',
  audience: 'app',
});
export const check = (token) => verifier.verify(token);
