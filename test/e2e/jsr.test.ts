import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../helpers/spawn.js';

// JSR (issue 25): jsr.json publishes the TypeScript sources of the same entries as package.json,
// and the API reference documents each of them. An entry added to package.json without the other
// two fails here, and so does anything JSR would refuse (slow types, unresolvable imports).
const root = resolve(import.meta.dirname, '../..');
const json = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8'));
const pkg = json('package.json');
const jsr = json('jsr.json');
const typedoc = json('typedoc.json');

/** package.json's entries as source files: `.` → src/index.ts, `./ky` → src/ky.ts. */
const entries = Object.keys(pkg.exports)
  .filter((entry) => entry !== './package.json')
  .map((entry) => [entry, entry === '.' ? './src/index.ts' : `./src/${entry.slice(2)}.ts`]);

describe('jsr.json and the API reference follow package.json', () => {
  it('JSR publishes every entry of package.json, at the same version and licence', () => {
    expect(jsr.exports).toEqual(Object.fromEntries(entries));
    expect([jsr.version, jsr.license]).toEqual([pkg.version, pkg.license]);
  });

  it('TypeDoc documents every entry', () => {
    expect(typedoc.entryPoints.map((file: string) => `./${file}`)).toEqual(
      entries.map(([, file]) => file),
    );
  });

  it('deno publish --dry-run accepts the package, without the Node-only twins', async () => {
    const deno = join(root, 'node_modules/.bin/deno');
    const out = await runCommand(deno, ['publish', '--dry-run', '--allow-dirty'], 120_000, root);
    const text = out.stdout + out.stderr;
    expect(text).toContain('Dry run complete');
    expect(out.code).toBe(0);
    expect(text).toContain('src/index.ts');
    expect(text).not.toMatch(/-node\.ts|iife\.ts|test\/|bench\//);
  }, 120_000);
});
