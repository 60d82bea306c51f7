// Scenario 4: the minimal "verify against a JWKS URL" browser app (bench/apps/*.mjs), bundled the
// way a new user measures it: esbuild --bundle --minify --format=esm --platform=browser, gzip -9.
// The apps import the packages by name, so tokenward resolves through its own exports map.
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';
import { title } from './lib/report.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const APPS = ['tokenward', 'jose', 'aws-jwt-verify'];
const TARGET = 10 * 1024; // issue 20: 10 KiB, and under 11 KiB to land
const TO_LAND = 11 * 1024;
const gzip = (code) => gzipSync(code, { level: 9 }).byteLength;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Which package a bundled file belongs to (paths are relative to the repository root). */
function owner(path) {
  if (path.startsWith('dist/')) return 'tokenward (dist)';
  if (path.startsWith('bench/apps/')) return 'the app itself';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  return match ? match[1] : 'other';
}

async function esbuildSize(app) {
  const result = await build({
    entryPoints: [`bench/apps/${app}.mjs`],
    absWorkingDir: root,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    outfile: 'out.js',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const byPackage = {};
  let attributed = 0;
  for (const [path, { bytesInOutput }] of Object.entries(
    result.metafile.outputs['out.js'].inputs,
  )) {
    byPackage[owner(path)] = (byPackage[owner(path)] ?? 0) + bytesInOutput;
    attributed += bytesInOutput;
  }
  byPackage['esbuild glue'] = code.byteLength - attributed;
  return { min: code.byteLength, gzip: gzip(code), byPackage };
}

async function rollupSize(app) {
  const bundle = await rollup({
    input: `${root}bench/apps/${app}.mjs`,
    plugins: [
      { name: 'self', resolveId: (id) => (id === 'tokenward' ? `${root}dist/index.js` : null) },
      nodeResolve({ browser: true, exportConditions: ['browser', 'import', 'default'] }),
    ],
    onwarn: () => undefined,
  });
  const { output } = await bundle.generate({ format: 'es', plugins: [terser()] });
  await bundle.close();
  const code = output.map((chunk) => chunk.code ?? '').join('');
  return { min: Buffer.byteLength(code), gzip: gzip(code) };
}

export async function bundleSizes({ withRollup = true } = {}) {
  title(
    '4. Bundle size of the minimal browser app (createVerifier + jwks + verify, or the equivalent): esbuild --bundle --minify --format=esm --platform=browser | gzip -9',
  );
  console.log(
    `  ${'app'.padEnd(16)} ${'min bytes'.padStart(10)} ${'gzip bytes'.padStart(11)} ${'gzip'.padStart(10)}${withRollup ? `   ${'rollup+terser: min / gzip'.padStart(26)}` : ''}`,
  );
  const results = {};
  for (const app of APPS) {
    const esb = await esbuildSize(app);
    const rol = withRollup ? await rollupSize(app) : undefined;
    results[app] = { esbuild: esb, rollup: rol };
    console.log(
      `  ${app.padEnd(16)} ${String(esb.min).padStart(10)} ${String(esb.gzip).padStart(11)} ${kib(esb.gzip).padStart(10)}${rol ? `   ${`${rol.min} / ${rol.gzip}`.padStart(26)}` : ''}`,
    );
  }
  const tw = results.tokenward.esbuild.gzip;
  console.log(
    `  tokenward: ${kib(tw)} gzip, target ≤ ${kib(TARGET)}: ${tw <= TARGET ? 'met' : `NOT met (${kib(tw - TARGET)} over)`}; under ${kib(TO_LAND)} to land: ${tw < TO_LAND ? 'yes' : 'no'}`,
  );
  console.log('  minified bytes each package puts in the bundle (esbuild metafile, before gzip):');
  for (const app of APPS) {
    const parts = Object.entries(results[app].esbuild.byPackage)
      .sort((a, b) => b[1] - a[1])
      .map(
        ([name, bytes]) =>
          `${name} ${bytes} (${Math.round((100 * bytes) / results[app].esbuild.min)} %)`,
      );
    console.log(`    ${app.padEnd(16)} ${parts.join(', ')}`);
  }
  console.log(
    '  reproduce: npx esbuild bench/apps/tokenward.mjs --bundle --minify --format=esm --platform=browser | gzip -9 | wc -c',
  );
  return results;
}
