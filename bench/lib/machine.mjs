// The header of a bench run: what the README quotes next to the numbers.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, platform, arch } from 'node:os';
import { CHROMIUM, chromiumAvailable } from './chromium.mjs';

const root = new URL('../../', import.meta.url);

function version(pkg) {
  try {
    return JSON.parse(readFileSync(new URL(`node_modules/${pkg}/package.json`, root))).version;
  } catch {
    return 'not installed';
  }
}

function quiet(command, args) {
  try {
    return execFileSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

export function printMachine(argv) {
  const own = JSON.parse(readFileSync(new URL('package.json', root)));
  const args = argv.length ? ` -- ${argv.join(' ')}` : '';
  const command =
    process.env.npm_lifecycle_event === 'bench'
      ? `npm run bench${args}`
      : `node ${process.execArgv.join(' ')} bench/run.mjs ${argv.join(' ')}`.replace(/ +/g, ' ');
  const chromium = chromiumAvailable()
    ? (quiet(CHROMIUM, ['--version']) ?? 'version unknown').replace(/ built on .*/, '')
    : `missing at ${CHROMIUM}`;
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(`tokenward benchmarks, ${new Date().toISOString()}`);
  console.log(`  command    ${command}`);
  console.log(
    `  machine    ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores (${platform()} ${arch()}), load average ${load}`,
  );
  console.log(`  Node       ${process.version} (V8 ${process.versions.v8})`);
  console.log(`  Chromium   ${chromium}`);
  console.log(
    `  measured   tokenward ${own.version} dist/ of ${quiet('git', ['describe', '--always', '--dirty']) ?? 'unknown commit'}; jose ${version('jose')}, aws-jwt-verify ${version('aws-jwt-verify')}, fast-jwt ${version('fast-jwt')}, esbuild ${version('esbuild')}`,
  );
  console.log(
    '  method     interleaved rounds (each cut in blocks of ~50 verifies that rotate the order, one untimed verify before each block; first round discarded), medians; ratios are speeds (higher = faster), per round, with min–max over the rounds',
  );
}
