import { gzipSync } from 'node:zlib';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';

/** Minified and gzipped size of a module with all its dependencies, as a browser app would ship it. */
export async function bundleSize(entry: string): Promise<{ min: number; gzip: number }> {
  const bundle = await rollup({
    input: entry,
    plugins: [nodeResolve({ browser: true, exportConditions: ['browser', 'import', 'default'] })],
    onwarn: () => undefined,
  });
  const { output } = await bundle.generate({ format: 'es', plugins: [terser()] });
  const code = output.map((chunk) => (chunk.type === 'chunk' ? chunk.code : '')).join('');
  await bundle.close();
  return { min: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).byteLength };
}
