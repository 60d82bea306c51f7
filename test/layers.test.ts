import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The layers, bottom to top: a file may import from its own layer or below, never above.
// Shared leaves (errors, events, types, encodings) sit at the bottom.
const LAYERS: [string, RegExp][] = [
  [
    'leaves',
    /^(errors|events|duration|jwk|base64url|base64url-node|map-error|memo|clock|issuer-template)\.ts$/,
  ],
  ['token', /^token\//],
  ['stores', /^stores\//],
  ['transport', /^keys\/(transport|freshness)\.ts$/],
  ['keys', /^keys\//],
  ['signature', /^signature\//],
  ['verifier', /^((claims|options|verifier|decode)\.ts|issuers\/)/],
  ['profiles', /^(id-token|profiles|dpop)\//],
  ['attach', /^http\//],
  ['entries', /^(index|ky|iife)\.ts$/],
];

const src = resolve(import.meta.dirname, '../src');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
const layerOf = (path: string): number => {
  const index = LAYERS.findIndex(([, pattern]) => pattern.test(path));
  if (index === -1) throw new Error(`src/${path} belongs to no layer: add it to LAYERS`);
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
        ['signature/verify-node.ts', ['node:crypto']],
        ['base64url-node.ts', ['node:buffer']],
      ]);
      expect(builtins, path).toEqual(allowed.get(path) ?? []);
      expect(text, path).not.toMatch(/from '[^']*(verify|base64url)-node/);
      if (path !== 'base64url-node.ts') expect(text, path).not.toMatch(/\bBuffer\./);
    }
  });

  it('keeps keys/ and stores/ from importing each other both ways', () => {
    for (const path of sources.filter((p) => p.startsWith('stores/'))) {
      expect(readFileSync(join(src, path), 'utf8'), path).not.toMatch(/from '\.\.\/keys\//);
    }
  });
});
