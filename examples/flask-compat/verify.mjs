// Verify the Flask-JWT token with the public key only, in Node.
//   node verify.mjs [issuer] [audience] < token.txt
import { readFileSync } from 'node:fs';
import { createVerifier, isVerificationError, pem } from 'tokenward';

const [issuer = 'https://api.example.com', audience = 'my-spa'] = process.argv.slice(2);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const token = Buffer.concat(chunks).toString('utf8').trim();

// Outside a browser, read the file and pass its text; in a page, pem('rs256.pub') fetches it.
const publicKey = readFileSync(new URL('rs256.pub', import.meta.url), 'utf8');
const verifier = createVerifier({
  keys: pem(publicKey), // JWT_PUBLIC_KEY
  algorithms: ['RS256'], // JWT_ALGORITHM
  leeway: 10, // JWT_LEEWAY
  requiredClaims: ['exp', 'iat', 'nbf'], // JWT_REQUIRED_CLAIMS
  issuer,
  audience,
});

try {
  const { payload } = await verifier.verify(token);
  console.log(`valid: identity=${payload.identity}`);
} catch (error) {
  if (!isVerificationError(error)) throw error;
  console.error(`rejected: ${error.code}: ${error.message}`);
  process.exitCode = 1;
}
