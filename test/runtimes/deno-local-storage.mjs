// Run by test/e2e/deno-kv.test.ts in Deno: webStorage(localStorage) is a store "shared by
// tabs" there too, yet the script must still exit by itself once its work is done.
import { createVerifier, jwks, webStorage } from '../../dist/index.js';

const { keyUrl, token, issuer, audience } = JSON.parse(Deno.args[0]);
localStorage.clear();
const verifier = createVerifier({
  keys: jwks(keyUrl, { retry: 0, timeout: 2 }),
  issuer,
  audience,
  cache: webStorage(localStorage),
});
const outcome = await verifier.verify(token).then(
  () => 'ok',
  (error) => error.code ?? String(error),
);
console.log(`RESULT ${JSON.stringify([{ outcome }])}`);
