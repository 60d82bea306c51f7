import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';

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
});
