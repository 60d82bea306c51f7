// Scenario 5: the minimal "verify against a JWKS URL" app, built the same way for each library.
import { gzipSync } from 'node:zlib';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';

async function size(entry) {
  const bundle = await rollup({
    input: entry,
    plugins: [nodeResolve({ browser: true, exportConditions: ['browser', 'import', 'default'] })],
    onwarn: () => undefined,
  });
  const { output } = await bundle.generate({ format: 'es', plugins: [terser()] });
  await bundle.close();
  const code = output.map((chunk) => chunk.code ?? '').join('');
  return { min: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).byteLength };
}

export async function bundleSizes() {
  console.log(
    '\n5. Bundle size of a minimal "verify against a JWKS URL" browser app (rollup + terser, gzip -9)',
  );
  console.log(`  ${'app'.padEnd(20)} ${'min bytes'.padStart(10)} ${'gzip bytes'.padStart(11)}`);
  const results = {};
  for (const name of ['tokenward', 'jose', 'aws-jwt-verify']) {
    results[name] = await size(new URL(`./apps/${name}.mjs`, import.meta.url).pathname);
    console.log(
      `  ${name.padEnd(20)} ${String(results[name].min).padStart(10)} ${String(results[name].gzip).padStart(11)}`,
    );
  }
  return results;
}
