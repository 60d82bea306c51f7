import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/chromium.js';
import { runCommand } from '../helpers/spawn.js';

// The process behind `npm run demo` (after its build step): start, serve, log, stop on Ctrl-C.
function startDemo(port: number) {
  const child = spawn(process.execPath, ['examples/spa/serve.mjs'], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitFor(check: () => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm run demo', () => {
  it('prints the URL, logs key fetches, and exits cleanly on Ctrl-C', async () => {
    const demo = startDemo(0);
    await waitFor(() => /open (http:\/\/127\.0\.0\.1:\d+)\//.test(demo.output()));
    const url = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(demo.output())![1]!;
    expect((await fetch(`${url}/`)).headers.get('content-type')).toContain('text/html');
    const keys = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as {
      keys: unknown[];
    };
    expect(keys.keys).toHaveLength(1);
    await waitFor(() => demo.output().includes('key fetch   /.well-known/jwks.json'));
    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
  });

  it('starts with the key server up, even after a run that left it down', async () => {
    const first = startDemo(0);
    await waitFor(() => /open (http:\/\/127\.0\.0\.1:\d+)\//.test(first.output()));
    const url = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(first.output())![1]!;
    await fetch(`${url}/admin/keys-down`, { method: 'POST' });
    expect((await fetch(`${url}/.well-known/jwks.json`)).status).toBe(503);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    const second = startDemo(Number(new URL(url).port));
    await waitFor(() => second.output().includes('open http'));
    try {
      expect(await (await fetch(`${url}/admin/state`)).json()).toMatchObject({
        keyServerDown: false,
      });
      expect((await fetch(`${url}/.well-known/jwks.json`)).status).toBe(200);
    } finally {
      second.child.kill('SIGINT');
      await second.exited;
    }
  });

  it('says clearly when the port is taken, without a stack trace', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const demo = startDemo(port);
      expect(await demo.exited).toBe(1);
      expect(demo.output()).toContain(`Port ${port} is already in use`);
      expect(demo.output()).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it("gets a demo token with the README's curl and verifies it with the CLI", async () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /<!-- sample: demo-token -->\s*```sh\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const demo = startDemo(0);
    try {
      await waitFor(() => /open (http:\/\/127\.0\.0\.1:\d+)\//.test(demo.output()));
      const url = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(demo.output())![1]!;
      const script = block!.replaceAll('http://127.0.0.1:8787', url);
      const out = await runCommand('bash', ['-euo', 'pipefail', '-c', script], 30_000);
      expect(out.stderr).toBe('');
      expect(out.stdout).toMatch(/VALID/);
      expect(out.code).toBe(0);
    } finally {
      demo.child.kill('SIGINT');
      await demo.exited;
    }
  });
});

describe.runIf(chromiumAvailable())('npm run screenshot', () => {
  it("writes the hero image from today's demo", async () => {
    mkdirSync('.tmp', { recursive: true });
    const out = await runCommand(
      'bash',
      ['-c', 'PORT=0 node examples/spa/screenshot.mjs .tmp/screenshot-test.png'],
      60_000,
    );
    expect([out.code, out.stderr]).toEqual([0, '']);
    const png = readFileSync('.tmp/screenshot-test.png');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1280); // the IHDR width: a desktop page, full height
  }, 60_000);
});
