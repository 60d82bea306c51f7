// The same token as sign_token.py, for machines without PyJWT: RS256 with the openssl key.
//   node sign-token.mjs [issuer] [audience] > token.txt
import { readFileSync } from 'node:fs';
import { importPKCS8, SignJWT } from 'jose';

const [issuer = 'https://api.example.com', audience = 'my-spa'] = process.argv.slice(2);
const privateKey = await importPKCS8(
  readFileSync(new URL('rs256.pem', import.meta.url), 'utf8'),
  'RS256',
);
const now = Math.floor(Date.now() / 1000);
const token = await new SignJWT({
  identity: 42,
  sub: '42',
  iss: issuer,
  aud: audience,
  iat: now,
  nbf: now,
  exp: now + 300,
})
  .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
  .sign(privateKey);
console.log(token);
