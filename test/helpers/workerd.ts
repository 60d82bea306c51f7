import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import nodeResolve from '@rollup/plugin-node-resolve';
import { rollup } from 'rollup';
import { resolveExport } from './exports.js';

const root = resolve(import.meta.dirname, '../..');

/** What wrangler resolves packages with. */
export const WORKER_CONDITIONS = ['workerd', 'worker', 'browser', 'import', 'default'] as const;

export interface RunningWorker {
  url: string;
  stop(): void;
}

/**
 * Bundles a Worker module as wrangler would (workerd/worker/browser conditions) and serves it
 * with Cloudflare's workerd on 127.0.0.1. `bindings` become text bindings on `env`.
 * Workers before compatibility date 2025-08-07 refuse `cache: 'no-cache'` on fetch.
 */
export async function startWorker(
  entry: string,
  name: string,
  bindings: Record<string, string> = {},
  compatibilityDate = '2025-09-01',
): Promise<RunningWorker> {
  const dir = join(root, '.tmp/workerd', name);
  mkdirSync(dir, { recursive: true });
  await bundleWorker(entry, join(dir, 'worker.js'));
  const port = await freePort();
  const textBindings = Object.entries(bindings)
    .map(([key, value]) => `(name = ${JSON.stringify(key)}, text = ${JSON.stringify(value)})`)
    .join(', ');
  // workerd refuses loopback unless an outbound network service allows it (see TOOLCHAIN.md).
  writeFileSync(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker", esModule = embed "worker.js")],
  compatibilityDate = "${compatibilityDate}",
  bindings = [${textBindings}],
  globalOutbound = "net",
);
`,
  );
  const child = spawn(
    join(root, 'node_modules/.bin/workerd'),
    ['serve', join(dir, 'config.capnp')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await fetch(`${url}/__ready`);
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`workerd did not start:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, stop: () => void child.kill('SIGKILL') };
}

/** Bundles a Worker module as wrangler would: `tokenward` is the built dist/, Worker conditions. */
export async function bundleWorker(entry: string, file: string): Promise<void> {
  const bundle = await rollup({
    input: join(root, entry),
    plugins: [
      // Examples import the package by name, as users do; here that name is the built dist/,
      // through the package's own exports map with the same conditions.
      {
        name: 'tokenward-self',
        resolveId: (id) =>
          id === 'tokenward' || id.startsWith('tokenward/')
            ? resolveExport(`.${id.slice('tokenward'.length)}`, WORKER_CONDITIONS)
            : null,
      },
      nodeResolve({ browser: true, exportConditions: [...WORKER_CONDITIONS] }),
    ],
  });
  // One module, as wrangler uploads it: pem()'s lazy imports (jose, the SPKI reader) inlined.
  await bundle.write({ file, format: 'es', inlineDynamicImports: true });
  await bundle.close();
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
  });
}
