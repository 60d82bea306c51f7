import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeBinaries } from '../helpers/nodes.js';
import { runCommand } from '../helpers/spawn.js';

// A user's app installing the packed tarball beside its own ky: it must end up with exactly one
// ky (the app's, 1.14+ or 2), and npm must print no engine warning about tokenward itself, on
// every Node that users run. The npm registry is reachable here and in CI.
const root = resolve(import.meta.dirname, '../..');
// npm's own CLI, run by each Node in turn (npm sets npm_execpath for the scripts it runs).
const npmCli = process.env.npm_execpath ?? '/usr/lib/node_modules/npm/bin/npm-cli.js';
const nodes = await nodeBinaries();
const cases = nodes.flatMap(([name, node], index) =>
  (index === 0 ? ['1.14.3', '2'] : ['2']).map((ky) => [name, ky, node] as const),
);

let work: string;
let tarball: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tokenward-install-'));
  const packed = await runCommand('npm', ['pack', '--pack-destination', work], 120_000, root);
  expect(packed.code, packed.stderr).toBe(0);
  tarball = join(work, packed.stdout.trim().split('\n').at(-1)!);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('installed in a user app', () => {
  it.each(cases)(
    '%s with ky@%s: one ky, the app’s, and no engine warning from tokenward',
    async (_, ky, node) => {
      const app = mkdtempSync(join(work, 'app-'));
      writeFileSync(
        join(app, 'package.json'),
        JSON.stringify({ name: 'app', private: true, type: 'module' }),
      );
      const install = await runCommand(
        node,
        [npmCli, 'install', '--no-audit', '--no-fund', '--prefer-offline', tarball, `ky@${ky}`],
        180_000,
        app,
      );
      expect(install.code, install.stderr).toBe(0);
      const warnings = install.stderr.split('\n').filter((line) => /EBADENGINE/.test(line));
      expect(warnings.filter((line) => /tokenward/.test(line))).toEqual([]);
      const listed = await runCommand(node, [npmCli, 'ls', 'ky', '--all', '--json'], 60_000, app);
      const tree = JSON.parse(listed.stdout) as {
        dependencies: Record<string, { version: string }>;
      };
      const versions = new Set<string>();
      const walk = (deps: Record<string, { version: string; dependencies?: never }> = {}) => {
        for (const [name, dep] of Object.entries(deps)) {
          if (name === 'ky') versions.add(dep.version);
          walk(dep.dependencies);
        }
      };
      walk(tree.dependencies);
      expect([...versions]).toHaveLength(1);
      expect([...versions][0]).toMatch(ky === '2' ? /^2\./ : /^1\.14\./);
      expect(readFileSync(join(app, 'node_modules/tokenward/package.json'), 'utf8')).toContain(
        '"ky"',
      );
      // The app's own ky drives tokenward/ky: it imports and wraps an instance.
      writeFileSync(
        join(app, 'check.mjs'),
        "import ky from 'ky'; import { withVerifiedToken } from 'tokenward/ky';\n" +
          "const api = withVerifiedToken(ky.create({}), { verifier: { verify: async () => ({}) }, getToken: () => undefined, allowedOrigins: ['https://api.example.com'] });\n" +
          'console.log(typeof api.get);',
      );
      const ran = await runCommand(node, ['check.mjs'], 60_000, app);
      expect(ran.stdout.trim(), ran.stderr).toBe('function');
    },
    240_000,
  );
});
