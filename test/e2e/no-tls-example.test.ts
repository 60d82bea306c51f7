import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { runCommand } from '../helpers/spawn.js';

const root = resolve(import.meta.dirname, '../..');
const dir = join(root, 'examples/no-tls');

/** A free port on 127.0.0.1 for the Flask app (which takes a port number, not 0). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** Starts issuer.py and resolves once it answers on `port`. */
async function startIssuer(port: number): Promise<ChildProcess> {
  const child = spawn('/usr/bin/python3', ['issuer.py', String(port)], { cwd: dir, stdio: 'pipe' });
  let output = '';
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  for (let tries = 0; tries < 100; tries++) {
    const up = await fetch(`http://127.0.0.1:${port}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return child;
    if (child.exitCode !== null) break;
    await new Promise((done) => setTimeout(done, 100));
  }
  child.kill();
  throw new Error(`issuer.py did not start: ${output}`);
}

describe.runIf(chromiumAvailable())('examples/no-tls: Flask on plain http, portableCrypto', () => {
  let issuer: ChildProcess | undefined;
  let port = 0;

  beforeAll(async () => {
    const flask = await runCommand('/usr/bin/python3', ['-c', 'import flask, jwt'], 10_000);
    if (flask.code !== 0)
      throw new Error(
        'Flask or PyJWT missing: apt-get install -y python3-flask python3-jwt (.ci/run does)',
      );
    const keys = await runCommand('sh', ['make-keys.sh'], 30_000, dir);
    expect(keys.code, keys.stderr).toBe(0);
    port = await freePort();
    issuer = await startIssuer(port);
  }, 60_000);
  afterAll(() => {
    issuer?.kill();
    for (const file of ['rs256.pem', 'rs256.pub', 'public-key.js'])
      rmSync(join(dir, file), { force: true });
  });

  it('verifies the issuer token at http://panel.test with the bundled key, and refuses it altered', async () => {
    const browser = await launchChromium(['--host-resolver-rules=MAP *.test 127.0.0.1']);
    try {
      const page = await browser.context.newPage();
      await page.goto(`http://panel.test:${port}/`);
      await page.waitForFunction(
        () => document.getElementById('tampered')?.textContent !== 'verifying…',
        undefined,
        { timeout: 30_000 },
      );
      expect(await page.textContent('#secure')).toBe('false (crypto.subtle: undefined)');
      expect(await page.textContent('#result')).toBe('valid: identity=42');
      expect(await page.textContent('#tampered')).toBe('refused: ERR_SIGNATURE_INVALID');
    } finally {
      await browser.close();
    }
  }, 60_000);
});
