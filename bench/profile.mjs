// Where a tokenward verify spends its time: unique-token verifies under the V8 CPU profiler,
// self time by function. WebCrypto runs the RSA work on a worker thread, seen here as "(idle)".
import { Session } from 'node:inspector/promises';
import { createVerifier, localJwks } from '../dist/index.js';
import { AUDIENCE, ISSUER, makeKey, makeTokens } from './lib/fixtures.mjs';

export async function profileVerify() {
  const key = await makeKey('profile');
  const tokens = await makeTokens(key, 400);
  const verifier = createVerifier({
    keys: localJwks({ keys: [key.jwk] }),
    issuer: ISSUER,
    audience: AUDIENCE,
    memo: false,
  });
  for (const token of tokens.slice(0, 50)) await verifier.verify(token);

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 50 });
  await session.post('Profiler.start');
  const started = performance.now();
  for (let round = 0; round < 5; round++) for (const token of tokens) await verifier.verify(token);
  const elapsed = performance.now() - started;
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();

  const self = new Map();
  const total = profile.samples.length;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const [id, count] of counts) {
    const { functionName, url } = byId.get(id).callFrame;
    const where = url ? url.replace(/^.*\/(node_modules\/)?/, '') : '';
    const name = `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    self.set(name, (self.get(name) ?? 0) + count);
  }
  console.log(
    `\n1b. CPU profile of tokenward (memo: false): ${tokens.length * 5} verifies, ${((elapsed * 1000) / (tokens.length * 5)).toFixed(1)} µs each under the profiler`,
  );
  console.log(
    '  main-thread self time by function; "(idle)" is waiting for the RSA check on the WebCrypto worker thread',
  );
  for (const [name, count] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 14)) {
    console.log(`  ${((100 * count) / total).toFixed(1).padStart(6)} %  ${name}`);
  }
}
