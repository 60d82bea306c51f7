import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type OutputFile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

// What an app pays for tokenward/portable (issue 22 target: at most 4 KiB gzip added for RS256),
// bundled from the built package by name, as an app would: esbuild --bundle --minify
// --splitting --format=esm --platform=browser, gzip -9. "Initial" is the entry chunk and what it
// imports statically; the curves and SHA-384/512 sit behind import() and are counted apart.
const root = resolve(import.meta.dirname, '../..');
const app = mkdtempSync(join(tmpdir(), 'tokenward-portable-size-'));
mkdirSync(join(app, 'node_modules'));
symlinkSync(root, join(app, 'node_modules/tokenward'));
afterAll(() => rmSync(app, { recursive: true, force: true }));

const MINIMAL = `import { createVerifier, jwks } from 'tokenward';`;
const options = `keys: jwks('https://idp.example.com/jwks.json'), issuer: 'https://idp.example.com', audience: 'app'`;

async function bundle(contents: string) {
  const { outputFiles, metafile } = await build({
    stdin: { contents, resolveDir: app },
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    outdir: join(app, 'out'),
    write: false,
    logLevel: 'error',
    metafile: true,
  });
  return split(outputFiles, metafile);
}

function split(files: OutputFile[], metafile: Metafile) {
  const gzip = new Map(files.map((f) => [f.path, gzipSync(f.contents, { level: 9 }).byteLength]));
  const outputs = Object.entries(metafile.outputs).map(([path, o]) => ({
    path: resolve(path),
    ...o,
  }));
  const initial = new Set<string>();
  const visit = (path: string): void => {
    if (initial.has(path)) return;
    initial.add(path);
    for (const i of outputs.find((o) => o.path === path)!.imports)
      if (i.kind === 'import-statement' && !i.external) visit(resolve(i.path));
  };
  visit(outputs.find((o) => o.entryPoint !== undefined)!.path);
  const inputsOf = (paths: string[]) =>
    outputs.filter((o) => paths.includes(o.path)).flatMap((o) => Object.keys(o.inputs));
  const initialPaths = [...initial];
  const lazyPaths = outputs.map((o) => o.path).filter((p) => !initial.has(p));
  const sum = (paths: string[]) => paths.reduce((total, p) => total + gzip.get(p)!, 0);
  return {
    initial: sum(initialPaths),
    lazy: sum(lazyPaths),
    initialInputs: inputsOf(initialPaths),
  };
}

describe('the bytes tokenward/portable adds to an app', () => {
  it('adds at most 4 KiB gzip for RS256, with no curve code and no SHA-512 loaded up front', async () => {
    const plain = await bundle(`${MINIMAL}
      const verifier = createVerifier({ ${options} });
      export const check = (token) => verifier.verify(token);`);
    const portable = await bundle(`${MINIMAL} import { portableCrypto } from 'tokenward/portable';
      const verifier = createVerifier({ ${options}, crypto: portableCrypto });
      export const check = (token) => verifier.verify(token);`);
    const added = portable.initial - plain.initial;
    console.log(
      `tokenward/portable for RS256: +${added} B gzip up front (${plain.initial} -> ${portable.initial}); ` +
        `${portable.lazy} B gzip behind import() (curves, SHA-384/512), loaded only for such keys`,
    );
    expect(portable.initialInputs.filter((i) => i.includes('@noble/'))).toEqual([]);
    expect(added).toBeGreaterThan(1000); // the RSA code is there
    expect(added).toBeLessThanOrEqual(4 * 1024);
    expect(portable.lazy).toBeGreaterThan(10_000); // …and the curves are not gone, only deferred
  }, 60_000);
});
