// Scenario 5: heap growth after verifying 100,000 distinct tokens: the memo must stay bounded.
import { createVerifier, localJwks } from '../dist/index.js';
import { AUDIENCE, ISSUER, makeKey, makeTokens } from './lib/fixtures.mjs';

export async function memory({ count = 100_000, batch = 5_000 } = {}) {
  if (typeof globalThis.gc !== 'function')
    throw new Error('run with node --expose-gc (npm run bench does)');
  // Ed25519 signs and verifies in microseconds, so 100,000 tokens take seconds, not minutes.
  const key = await makeKey('bench-mem', 'EdDSA');
  const verifier = createVerifier({
    keys: localJwks({ keys: [key.jwk] }),
    algorithms: ['EdDSA'],
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  await verifier.verify((await makeTokens(key, 1, { warm: true }))[0]);
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  for (let done = 0; done < count; done += batch) {
    const tokens = await makeTokens(key, batch, { batch: done });
    for (const token of tokens) await verifier.verify(token);
  }
  globalThis.gc();
  const after = process.memoryUsage().heapUsed;
  const growth = (after - before) / 1024 / 1024;
  console.log(
    `\n5. Memory, Node: ${count.toLocaleString('en')} distinct tokens verified (memo max 1000) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(
    `  heap before ${(before / 1024 / 1024).toFixed(1)} MiB, after ${(after / 1024 / 1024).toFixed(1)} MiB: growth ${growth.toFixed(2)} MiB (bounded: ~1000 remembered tokens)`,
  );
  return { growthMiB: growth };
}
