// Scenario 1 in Bun and Deno (node_modules/.bin/bun, node_modules/.bin/deno): the floor (node:crypto's
// verify, as in Node), tokenward as that runtime's export conditions resolve the package, both
// builds by path, and jose.
// Keys and tokens are made here and handed over in a file; child/unique-tokens.mjs measures.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { NODE_FLOOR } from './lib/node-floor.mjs';
import { makeKey, makeTokens } from './lib/fixtures.mjs';
import { printRatio, printTable, title } from './lib/report.mjs';
import { printUniqueRatios } from './unique-tokens.mjs';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const child = 'bench/child/unique-tokens.mjs';
const COMMANDS = {
  bun: (input) => ['node_modules/.bin/bun', [child, input]],
  deno: (input) => [
    'node_modules/.bin/deno',
    ['run', '--v8-flags=--expose-gc', `--allow-read=${root}`, child, input],
  ],
};

export async function uniqueTokensElsewhere(runtime, { count = 300, rounds = 31 } = {}) {
  const key = await makeKey(`bench-${runtime}`);
  const tokens = await makeTokens(key, count);
  const dir = `${root}.tmp/bench`;
  mkdirSync(dir, { recursive: true });
  const input = `${dir}/unique-${runtime}.json`;
  writeFileSync(input, JSON.stringify({ jwk: key.jwk, tokens, rounds }));
  const [command, args] = COMMANDS[runtime](input);
  let stdout;
  try {
    ({ stdout } = await run(command, args, { cwd: root, maxBuffer: 16 << 20 }));
  } finally {
    rmSync(input, { force: true });
  }
  const { stdout: said } = await run(command, ['--version'], { cwd: root });
  const version = `${runtime} ${said.trim().split('\n')[0].replace(/^\w+ /, '').split(' (')[0]}`;
  const result = JSON.parse(
    stdout
      .split('\n')
      .find((l) => l.startsWith('RESULT '))
      .slice(7),
  );
  title(
    `1. Unique tokens, ${version}: ${count} distinct RS256 tokens (2048-bit key), each verified once per round; ${rounds} interleaved rounds, median`,
  );
  console.log(`  tokenward resolves to ${result.resolved} (this runtime's export conditions)`);
  printTable(result.rows, NODE_FLOOR);
  printUniqueRatios(result.rows, { floor: NODE_FLOOR });
  const [web, node] = result.rows.slice(-2).map((r) => r.name);
  printRatio(`${node} ÷ ${web}`, result.rows, node, web);
  return result;
}
