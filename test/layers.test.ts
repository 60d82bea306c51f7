import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Folders are the layers, bottom to top: a file imports from its own folder or a folder below
// it, never above (type-only imports included). The entries (index, ky, iife) sit on top.
const LAYERS = [
  'lib', // errors, events, durations, base64url, error mapping, the memo, shared helpers
  'token', // split, decode once, header rules
  'crypto', // the signature seam: algorithms, prepared keys, WebCrypto and node:crypto checks
  'stores', // KeyStore and each store, cross-tab, replay stores
  'keys', // key sources (descriptions), the key guard, RSA and ROCA checks
  'keyset', // the key cache, transport (the only fetch), freshness, candidate keys
  'verify', // the pipeline, claims, the clock, the options
  'verifiers', // several issuers, ID, access and logout tokens: the core plus their checks
  'dpop', // client proofs and server checks
  'resource', // the resource server's half: protectResource, its metadata and challenges
  'http', // verify before attaching: fetch, ky
  '.', // the entries: named exports only
];

const src = resolve(import.meta.dirname, '../src');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
const layerOf = (path: string): number => {
  const folder = path.includes('/') ? path.slice(0, path.indexOf('/')) : '.';
  const index = LAYERS.indexOf(folder);
  if (index === -1) throw new Error(`src/${path} belongs to no layer: add its folder to LAYERS`);
  return index;
};

describe('the tree shows the layers', () => {
  const sources = files(src).map((file) => relative(src, file));

  it.each(sources)('src/%s imports nothing from a layer above it', (path) => {
    const text = readFileSync(join(src, path), 'utf8');
    const own = layerOf(path);
    for (const [, specifier] of text.matchAll(/from '(\.[^']+)'/g)) {
      const target = relative(src, resolve(dirname(join(src, path)), specifier!)).replace(
        /\.js$/,
        '.ts',
      );
      expect(layerOf(target), `${path} → ${target}`).toBeLessThanOrEqual(own);
    }
  });

  // Issue 17: node:crypto lives in one file, and Node's Buffer in another, each reached only
  // through the Node build's swap of its portable twin (rollup.config.mjs), never by an import.
  it('lets only the Node twins import a Node built-in, and nothing import a Node twin', () => {
    for (const path of sources) {
      const text = readFileSync(join(src, path), 'utf8');
      const builtins = [...text.matchAll(/from '(node:[^']+)'/g)].map((m) => m[1]);
      const allowed = new Map([
        ['crypto/default-node.ts', ['node:crypto']],
        ['lib/base64url-node.ts', ['node:buffer']],
      ]);
      expect(builtins, path).toEqual(allowed.get(path) ?? []);
      expect(text, path).not.toMatch(/from '[^']*(default|base64url)-node/);
      if (path !== 'lib/base64url-node.ts') expect(text, path).not.toMatch(/\bBuffer\./);
    }
  });

  it('has no import cycle, type-only imports included', () => {
    const imports = new Map(
      sources.map((path) => [
        path,
        [...readFileSync(join(src, path), 'utf8').matchAll(/from '(\.[^']+)'/g)].map(([, spec]) =>
          relative(src, resolve(dirname(join(src, path)), spec!)).replace(/\.js$/, '.ts'),
        ),
      ]),
    );
    const done = new Set<string>();
    const visit = (path: string, trail: string[]): void => {
      if (trail.includes(path)) throw new Error(`import cycle: ${[...trail, path].join(' → ')}`);
      if (done.has(path)) return;
      for (const next of imports.get(path) ?? []) visit(next, [...trail, path]);
      done.add(path);
    };
    for (const path of sources) expect(() => visit(path, [])).not.toThrow();
  });
});
