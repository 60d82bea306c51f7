// Signs ML-DSA JWTs with jose, in a runtime whose WebCrypto has ML-DSA (Bun, Deno, Node 24):
// the host (Node 20) cannot, and carries these tokens to every runtime (issue 21).
// Input: JSON { claims, algs } in the first argument. Output: one line, JSON per alg:
// { publicJwk, privateJwk, valid, wrongKey } (the private JWK only for tests that refuse it).
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const { claims, algs } = JSON.parse(args[0]);
const out = {};
for (const alg of algs) {
  const kid = `sup-${alg}`;
  const [key, other] = await Promise.all(
    [1, 2].map(() => generateKeyPair(alg, { extractable: true })),
  );
  const sign = (privateKey) =>
    new SignJWT(claims).setProtectedHeader({ alg, kid }).sign(privateKey);
  out[alg] = {
    publicJwk: { ...(await exportJWK(key.publicKey)), kid },
    privateJwk: { ...(await exportJWK(key.privateKey)), kid },
    valid: await sign(key.privateKey),
    wrongKey: await sign(other.privateKey),
  };
}
console.log(JSON.stringify(out));
