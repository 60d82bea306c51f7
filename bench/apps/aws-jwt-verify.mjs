import { JwtRsaVerifier } from 'aws-jwt-verify';

const verifier = JwtRsaVerifier.create({
  issuer: 'https://idp.example.com',
  audience: 'app',
  jwksUri: 'https://idp.example.com/jwks.json',
});
export const check = (token) => verifier.verify(token);
