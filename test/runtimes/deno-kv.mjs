// Run by test/e2e/deno-kv.test.ts in Deno: verifies one token with denoKvStore over a KV file,
// optionally after writing a poisoned entry into it; prints RESULT {outcome, stored, expireIn}.
import { createVerifier, denoKvStore, jwks } from '../../dist/index.js';

const { keyUrl, token, issuer, audience, dbPath, poison } = JSON.parse(Deno.args[0]);
const kv = await Deno.openKv(dbPath);
const entryKey = ['tokenward', `jwks:${keyUrl}`];
if (poison !== undefined) await kv.set(entryKey, poison);

const verifier = createVerifier({
  keys: jwks(keyUrl, { retry: 0, timeout: 2 }),
  issuer,
  audience,
  cache: denoKvStore(kv),
});
const outcome = await verifier.verify(token).then(
  () => 'ok',
  (error) => error.code ?? String(error),
);
// The store write is not awaited by verify: give it a moment to land.
let stored;
for (let i = 0; i < 50; i++) {
  stored = (await kv.get(entryKey)).value;
  if (typeof stored === 'string' && stored.includes('"kty":"RSA"')) break;
  await new Promise((r) => setTimeout(r, 20));
}
kv.close();
console.log(
  `RESULT ${JSON.stringify([{ outcome, stored: typeof stored === 'string' && stored.includes('"kty":"RSA"') && !stored.includes('"d":') }])}`,
);
