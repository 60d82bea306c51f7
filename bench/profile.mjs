// Where a tokenward verify spends its time (Node): unique-token verifies under the V8 CPU
// profiler, self time by function (WebCrypto runs the RSA work on a worker thread, seen here as
// "(idle)"); then the steps of a verify beyond the floor, each timed alone.
import { Session } from 'node:inspector/promises';
import { decodeProtectedHeader } from 'jose';
import { createVerifier, localJwks } from '../dist/index.js';
import { AUDIENCE, ISSUER, makeKey, makeTokens } from './lib/fixtures.mjs';
import { compare, median } from './lib/measure.mjs';
import { fmt, title } from './lib/report.mjs';

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
  title(
    `1p. CPU profile of tokenward (memo: false): ${tokens.length * 5} verifies, ${((elapsed * 1000) / (tokens.length * 5)).toFixed(1)} µs each under the profiler`,
  );
  console.log(
    '  main-thread self time by function; "(idle)" is waiting for the RSA check on the WebCrypto worker thread',
  );
  for (const [name, count] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 14)) {
    console.log(`  ${((100 * count) / total).toFixed(1).padStart(6)} %  ${name}`);
  }
  await profileGap(tokens);
}

/** The steps of a verify beyond the floor, each timed alone (µs/op, median of interleaved rounds). */
async function profileGap(tokens, rounds = 9) {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const count = tokens.length;
  const steps = {
    'split + base64url-decode header': (i) => decodeProtectedHeader(tokens[i]),
    'decode + JSON.parse payload': (i) =>
      JSON.parse(decoder.decode(Buffer.from(tokens[i].split('.')[1], 'base64url'))),
    'encode signing input': (i) => encoder.encode(tokens[i].slice(0, tokens[i].lastIndexOf('.'))),
    'decode signature': (i) =>
      Buffer.from(tokens[i].slice(tokens[i].lastIndexOf('.') + 1), 'base64url'),
    'await of an already-resolved promise': async () => await undefined,
  };
  const rows = await compare(
    Object.entries(steps).map(([name, step]) => ({
      name,
      run: async (ops) => {
        for (let i = 0; i < ops; i++) await step(i % count);
      },
    })),
    { rounds, ops: count },
  );
  console.log('  the gap to the floor, step by step (each step alone, µs/op):');
  for (const row of rows) console.log(`    ${row.name.padEnd(40)} ${fmt.us(median(row.samples))}`);
}
