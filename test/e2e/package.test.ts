import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleSize } from '../helpers/bundle-size.js';
import { resolveExport } from '../helpers/exports.js';
import { runCommand } from '../helpers/spawn.js';

// Budgets in bytes, minified + gzipped, with every dependency included (jose, ky).
// Measured 2026-12-04 after issue 20 (several issuers in their own factory, JWKs imported by
// crypto.subtle directly, jose loaded by pem() only): the minimal "verify against a JWKS URL"
// app 12,504 (esbuild), down from 15,429, with no jose in it. What an app does not import
// (several issuers, DPoP, profiles, pem and jose, unused stores and their cross-tab
// coordination) is dropped by a bundler. Issue 20's target for the minimal app is 10 KiB
// (11 KiB to land). Issue 23 (resources, discover, protectResource, shared replay stores) adds
// about 4 KB to the whole main entry, tokenward/ky (the attach side carries resource matching and
// RFC 9728 discovery through the bounded transport) and the IIFE; the minimal app is unchanged.
// Raise only on purpose, and say why.
const root = resolve(import.meta.dirname, '../..');

export const SIZE_BUDGET = {
  // Issue 22's pins, signed sets and plain-http rule added it (measured 37,282 B, was 33 KiB).
  index: 36.5 * 1024,
  ky: 13.5 * 1024,
  // Issue 22's pins, signed sets and plain-http rule added it (measured 46,178 B, was 42 KiB).
  iife: 45.5 * 1024,
  // Issue 20's options table (did-you-mean, every front's rows) and its split key set took the
  // minimal app from 12,504 to 14,605 B: over issue 20's 11 KiB, so that issue stays open.
  // Issue 22's pins, signed sets and plain-http rule added it (measured 16,101 B, was 14.5 KiB).
  minimalApp: 15.75 * 1024,
};

describe('the package as users get it', () => {
  it('passes publint --strict', async () => {
    const ran = await runCommand('node_modules/.bin/publint', ['--strict'], 120_000);
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toContain('All good');
  }, 120_000);

  it('has correct types for every entry and resolution mode (arethetypeswrong)', async () => {
    const ran = await runCommand(
      'node_modules/.bin/attw',
      ['--pack', '.', '--format', 'table-flipped'],
      120_000,
    );
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toContain('No problems found');
  }, 120_000);

  it('ships the MIT licence that package.json names', async () => {
    const ran = await runCommand(
      'npm',
      ['pack', '--dry-run', '--json', '--ignore-scripts'],
      120_000,
    );
    expect(ran.code, ran.stderr).toBe(0);
    const [packed] = JSON.parse(ran.stdout) as [{ files: { path: string }[] }];
    expect(packed.files.map((f) => f.path)).toContain('LICENSE');
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  }, 120_000);

  it('recognises errors across the ESM and CommonJS builds, where instanceof cannot', async () => {
    const esm = (await import(join(root, 'dist/index.js'))) as typeof import('../../src/index.js');
    const cjs = createRequire(import.meta.url)(join(root, 'dist/index.cjs')) as typeof esm;
    const fromCjs = new cjs.VerificationError('ERR_TOKEN_EXPIRED', 'expired');
    expect(fromCjs instanceof esm.VerificationError).toBe(false);
    expect(esm.isVerificationError(fromCjs)).toBe(true);
    expect(cjs.isVerificationError(new esm.VerificationError('ERR_KEY_INVALID', 'x'))).toBe(true);
    const kyCjs = createRequire(import.meta.url)(join(root, 'dist/ky.cjs')) as Record<
      string,
      unknown
    >;
    expect([typeof kyCjs.withVerifiedToken, typeof kyCjs.verifiedTokenHooks]).toEqual([
      'function',
      'function',
    ]);
  });

  it('pulls in no Node built-in from any browser-facing file; the Node build only node:crypto and node:buffer', () => {
    const builtins = builtinModules
      .filter((m) => !m.startsWith('_'))
      .map((m) => m.replace(/[/]/g, '\\/'));
    const specifier = `(?:node:[\\w/]+|${builtins.join('|')})`;
    const pattern = new RegExp(
      `(?:from\\s*|import\\s*\\(\\s*|require\\s*\\(\\s*)["'](${specifier})["']`,
      'g',
    );
    const imported = (file: string) =>
      [...readFileSync(join(root, file), 'utf8').matchAll(pattern)].map((m) => m[1]);
    const code = builtFiles().filter((f) => /\.c?js$/.test(f) && f !== 'dist/cli.js');
    const nodeBuild = code.filter((f) => f.startsWith('dist/node/'));
    const browserFacing = code.filter((f) => !f.startsWith('dist/node/'));
    expect(browserFacing).toEqual(
      expect.arrayContaining(['dist/index.js', 'dist/index.cjs', 'dist/tokenward.iife.js']),
    );
    expect(nodeBuild).toEqual(
      expect.arrayContaining(['dist/node/index.js', 'dist/node/index.cjs']),
    );
    for (const file of browserFacing) expect(imported(file), file).toEqual([]);
    // Shared chunks of the Node build (index, ky, sw) may carry the Buffer twin too.
    for (const file of nodeBuild)
      expect(
        imported(file).filter((m) => m !== 'node:crypto' && m !== 'node:buffer'),
        file,
      ).toEqual([]);
    for (const format of ['.js', '.cjs'])
      expect(
        new Set(nodeBuild.filter((file) => file.endsWith(format)).flatMap(imported)),
        format,
      ).toEqual(new Set(['node:crypto', 'node:buffer']));
  });

  // What each runtime or bundler gets (their documented conditions): only Node, Bun and Deno
  // reach the node:crypto build; a bundle for a browser or a Worker never does (issue 17).
  it.each([
    ['Node import', ['node', 'import'], 'dist/node/index.js'],
    ['Node require', ['node', 'require'], 'dist/node/index.cjs'],
    ['Bun', ['bun', 'node', 'import'], 'dist/node/index.js'],
    ['Deno', ['deno', 'node', 'import'], 'dist/node/index.js'],
    ['a browser bundler', ['browser', 'import'], 'dist/index.js'],
    ['a browser bundler that also sets node', ['browser', 'node', 'import'], 'dist/index.js'],
    ['wrangler (workerd)', ['workerd', 'worker', 'browser', 'import'], 'dist/index.js'],
    ['workerd with node set too', ['workerd', 'node', 'import'], 'dist/index.js'],
    ['a bundler with no platform', ['import'], 'dist/index.js'],
    ['a CommonJS bundler for the browser', ['browser', 'require'], 'dist/index.cjs'],
  ])('%s resolves tokenward to %j', (_, conditions, file) => {
    expect(resolveExport('.', conditions)).toBe(join(root, file));
    const ky = file.replace('index', 'ky');
    expect(resolveExport('./ky', conditions)).toBe(join(root, ky));
    expect(resolveExport('./sw', conditions)).toBe(join(root, file.replace('index', 'sw')));
    // tokenward/portable has no Node twin: one build for every runtime.
    const portable = conditions.includes('require') ? 'dist/portable.cjs' : 'dist/portable.js';
    expect(resolveExport('./portable', conditions)).toBe(join(root, portable));
  });

  it('stays within the size budget', async () => {
    const index = await bundleSize('dist/index.js');
    const ky = await bundleSize('dist/ky.js');
    const iife = gzipSync(readFileSync('dist/tokenward.iife.js'), { level: 9 }).byteLength;
    console.log(
      `sizes (min / gzip): tokenward ${index.min} / ${index.gzip}, tokenward/ky ${ky.min} / ${ky.gzip}, iife gzip ${iife}`,
    );
    expect(index.gzip).toBeLessThanOrEqual(SIZE_BUDGET.index);
    expect(ky.gzip).toBeLessThanOrEqual(SIZE_BUDGET.ky);
    expect(iife).toBeLessThanOrEqual(SIZE_BUDGET.iife);
  }, 60_000);

  it('keeps the minimal app small and free of ky and jose, bundled as a new user would (esbuild)', async () => {
    // createVerifier + jwks + verify, imported by package name so package.json (sideEffects,
    // exports) applies: `esbuild --bundle --minify --format=esm --platform=browser`, gzip -9.
    const { outputFiles, metafile } = await build({
      stdin: {
        contents: `import { createVerifier, jwks } from 'tokenward';
          const verifier = createVerifier({ keys: jwks('https://idp.example.com/jwks.json'), issuer: 'https://idp.example.com', audience: 'app' });
          export const check = (token) => verifier.verify(token);`,
        resolveDir: root,
      },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      alias: { tokenward: root },
    });
    const gzip = gzipSync(outputFiles[0]!.contents, { level: 9 }).byteLength;
    console.log(`minimal app: ${gzip} bytes gzip`);
    // Neither ky nor jose in what is shipped: JWKs are imported by crypto.subtle, and only pem()
    // loads jose (esbuild reads jose for pem()'s import(), and puts none of it in the output).
    const shipped = Object.values(metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
        .map(([file]) => file),
    );
    expect(shipped.filter((file) => /node_modules\/(ky|jose)\//.test(file))).toEqual([]);
    expect(shipped.some((file) => file.includes('dist/index.js'))).toBe(true);
    expect(gzip).toBeLessThanOrEqual(SIZE_BUDGET.minimalApp);
  }, 60_000);
});

/** Every file of dist/, as paths from the package root. */
function builtFiles(dir = join(root, 'dist')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? builtFiles(join(dir, entry.name))
      : [relative(root, join(dir, entry.name))],
  );
}
