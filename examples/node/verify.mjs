// Verify a JWT in Node against an issuer's JWKS, as a backend or a script would.
//   node examples/node/verify.mjs <jwks-url> <issuer> <audience> [token]   (token from stdin if omitted)
import { createVerifier, isVerificationError, jwks } from 'tokenward';

const [jwksUrl, issuer, audience, tokenArgument] = process.argv.slice(2);
if (!jwksUrl || !issuer || !audience) {
  console.error('usage: node verify.mjs <jwks-url> <issuer> <audience> [token]');
  process.exit(2);
}

let token = tokenArgument;
if (token === undefined) {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  token = Buffer.concat(chunks).toString('utf8').trim();
}

const verifier = createVerifier({ keys: jwks(jwksUrl), issuer, audience });
try {
  const { payload } = await verifier.verify(token);
  console.log(`valid: sub=${payload.sub} expires=${new Date(payload.exp * 1000).toISOString()}`);
} catch (error) {
  if (!isVerificationError(error)) throw error;
  console.error(`rejected: ${error.code}: ${error.message}`);
  process.exitCode = 1;
}
