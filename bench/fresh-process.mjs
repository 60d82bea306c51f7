// Scenario 3b: the first verified token in a FRESH Node process, one `node` spawned per sample,
// contenders interleaved round by round. Timed inside the child with performance.now(): from the
// start of the import to the first verified result (cold module cache, cold key cache, first
// fetch of the process against a JWKS server on 127.0.0.1 run by this process).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startJwksServer } from './lib/key-server.mjs';
import { makeKey, makeTokens } from './lib/fixtures.mjs';
import { spread } from './lib/measure.mjs';
import { fmt, title } from './lib/report.mjs';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./child/first-verify.mjs', import.meta.url));
const NAMES = ['platform', 'tokenward', 'tokenward-web', 'jose'];
const LABELS = {
  platform: 'floor: no library',
  tokenward: 'tokenward jwks() (node condition)',
  'tokenward-web': 'tokenward dist/index.js (WebCrypto)',
  jose: 'jose createRemoteJWKSet',
};
const TARGET = 0.7; // tokenward's time ÷ jose's, import → verified (issue 20)

export async function freshProcess({ rounds = 21 } = {}) {
  const key = await makeKey('bench-fresh');
  const [token] = await makeTokens(key, 1);
  const server = await startJwksServer({ keys: [key.jwk] });
  const samples = Object.fromEntries(NAMES.map((n) => [n, []]));
  try {
    for (let round = -1; round < rounds; round++) {
      const shift = Math.max(round, 0);
      for (const name of NAMES.map((_, i) => NAMES[(i + shift) % NAMES.length])) {
        const { stdout } = await run(process.execPath, [child, name, server.url, token]);
        if (round >= 0) samples[name].push(JSON.parse(stdout));
      }
    }
  } finally {
    await server.close();
  }
  title(
    `3b. First verified token in a fresh Node process (${rounds} interleaved spawns each, median (min–max), ms)`,
  );
  const cell = (values) =>
    `${fmt.ms(spread(values).median)} (${fmt.range(spread(values), fmt.ms)})`;
  const col = (name, field) => samples[name].map((s) => s[field]);
  console.log(
    `  ${'contender'.padEnd(36)} ${'node boot'.padStart(19)} ${'import'.padStart(19)} ${'first verify'.padStart(19)} ${'import → verified'.padStart(19)}`,
  );
  for (const name of NAMES) {
    console.log(
      `  ${LABELS[name].padEnd(36)} ${cell(col(name, 'bootMs')).padStart(19)} ${cell(col(name, 'importMs')).padStart(19)} ${cell(col(name, 'verifyMs')).padStart(19)} ${cell(col(name, 'totalMs')).padStart(19)}`,
    );
  }
  // Round by round (the same moment's load on both), then the fastest spawn of each: load from
  // other processes only ever adds time, so that is a second, steadier estimate.
  const ratio = spread(col('tokenward', 'totalMs').map((t, i) => t / col('jose', 'totalMs')[i]));
  const best = (name) => Math.min(...col(name, 'totalMs'));
  console.log(
    `  tokenward ÷ jose, import → verified: ${fmt.ratio(ratio.median)} × jose's time (rounds ${fmt.range(ratio)}; fastest spawns ${fmt.ms(best('tokenward'))} ÷ ${fmt.ms(best('jose'))} = ${fmt.ratio(best('tokenward') / best('jose'))}), target ≤ ${TARGET}: ${ratio.median <= TARGET ? 'met' : 'NOT met'}`,
  );
  console.log(
    "  import: loading the modules (jose ships 46 ES module files, ky 30); first verify: the process's first fetch (Node loads undici on first call), key import, signature",
  );
  return { samples, ratio };
}
