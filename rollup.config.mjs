import { copyFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

const entries = { index: 'src/index.ts', ky: 'src/ky.ts' };
const ts = (tsconfig = './tsconfig.json', outDir = 'dist') =>
  typescript({ tsconfig, noEmit: false, declaration: false, outDir });
const browserResolve = () =>
  nodeResolve({ browser: true, exportConditions: ['browser', 'import', 'default'] });

// .d.cts twins of the bundled declarations, so `require` resolves CommonJS-flavoured types.
const ctsTwins = {
  name: 'cts-twins',
  async writeBundle(options, bundle) {
    for (const file of Object.keys(bundle)) {
      if (file.endsWith('.d.ts'))
        await copyFile(
          `${options.dir}/${file}`,
          `${options.dir}/${file.replace(/\.d\.ts$/, '.d.cts')}`,
        );
    }
  },
};

// The Node flavour (package.json `node` condition, issue 17): the same entries, with two portable
// files swapped for their Node twins: the signature seam (node:crypto) and base64url decoding
// (Buffer's native codec). Nothing else differs.
const NODE_TWINS = new Map([
  [resolve('src/crypto/default.ts'), resolve('src/crypto/default-node.ts')],
  [resolve('src/lib/base64url.ts'), resolve('src/lib/base64url-node.ts')],
]);
const nodeSeam = () => {
  const swapped = new Set();
  return {
    name: 'node-twins',
    async resolveId(source, importer, options) {
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const twin = NODE_TWINS.get(resolved?.id);
      if (twin === undefined) return resolved;
      swapped.add(resolved.id);
      return twin;
    },
    buildEnd(error) {
      for (const file of NODE_TWINS.keys())
        if (!error && !swapped.has(file)) this.error(`the Node build never reached ${file}`);
    },
  };
};
const nodeTs = () => ts('./tsconfig.node.json', 'dist/node');

export default [
  // ESM: jose and ky stay imports, so apps share one copy with their own.
  {
    input: entries,
    external: ['jose', 'ky'],
    plugins: [ts()],
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
    },
  },
  // CommonJS: jose and ky are ESM-only, so they are inlined.
  {
    input: entries,
    plugins: [browserResolve(), ts()],
    output: {
      dir: 'dist',
      format: 'cjs',
      entryFileNames: '[name].cjs',
      chunkFileNames: 'chunks/[name]-[hash].cjs',
    },
  },
  // Node ESM and CommonJS: dist/node/, one chunk graph of its own so tokenward/ky shares the
  // main entry's VerificationError there too.
  {
    input: entries,
    external: ['jose', 'ky', 'node:crypto', 'node:buffer'],
    plugins: [nodeSeam(), nodeTs()],
    output: {
      dir: 'dist/node',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
    },
  },
  {
    input: entries,
    external: ['node:crypto', 'node:buffer'],
    plugins: [nodeSeam(), browserResolve(), nodeTs()],
    output: {
      dir: 'dist/node',
      format: 'cjs',
      entryFileNames: '[name].cjs',
      chunkFileNames: 'chunks/[name]-[hash].cjs',
    },
  },
  // One self-contained script for a plain <script> tag.
  {
    input: 'src/iife.ts',
    plugins: [browserResolve(), ts()],
    output: {
      file: 'dist/tokenward.iife.js',
      format: 'iife',
      name: 'Tokenward',
      plugins: [terser()],
    },
  },
  {
    input: entries,
    external: ['jose', 'ky'],
    plugins: [dts({ tsconfig: './tsconfig.json' }), ctsTwins],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts' },
  },
  // The CLI: Node only, so it lives outside src/ and imports the package by name (after its types exist).
  {
    input: 'cli/tokenward.ts',
    external: [/^node:/, 'tokenward', 'jose', 'ky'],
    plugins: [
      typescript({
        tsconfig: './tsconfig.cli.json',
        noEmit: false,
        declaration: false,
        outDir: 'dist',
      }),
    ],
    output: { file: 'dist/cli.js', format: 'es', banner: '#!/usr/bin/env node' },
  },
];
