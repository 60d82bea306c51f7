// Verify a JWT in Deno against an issuer's JWKS.
//   deno run --allow-net=idp.example.com examples/deno/verify.ts <jwks-url> <issuer> <audience> <token>
import { createVerifier, isVerificationError, jwks } from 'tokenward';

const [jwksUrl, issuer, audience, token] = Deno.args;
if (!jwksUrl || !issuer || !audience || !token) {
  console.error('usage: verify.ts <jwks-url> <issuer> <audience> <token>');
  Deno.exit(2);
}

const verifier = createVerifier({ keys: jwks(jwksUrl), issuer, audience });
try {
  const { payload } = await verifier.verify(token);
  console.log(`valid: sub=${payload.sub}`);
} catch (error) {
  if (!isVerificationError(error)) throw error;
  console.error(`rejected: ${error.code}: ${error.message}`);
  Deno.exitCode = 1;
}
