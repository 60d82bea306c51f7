import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { KeyServer } from '../helpers/key-server.js';
import {
  AUDIENCE,
  decodePart,
  ISSUER,
  makeKey,
  sign,
  withPart,
  type TestKey,
} from '../helpers/keys.js';
import { runCommand } from '../helpers/spawn.js';
import { serveStatic } from '../helpers/static-site.js';
import { startWorker, type RunningWorker } from '../helpers/workerd.js';

// Each example, run as its README says, against local servers (npm test builds dist/ first).
const root = resolve(import.meta.dirname, '../..');
let server: KeyServer;
let key: TestKey;
let token: string;
let tampered: string;

beforeAll(async () => {
  server = await new KeyServer().start();
  key = await makeKey('example-1');
  server.json('/jwks', { keys: [key.publicJwk] });
  token = await sign(key);
  tampered = withPart(token, 1, { ...decodePart(token, 1), sub: 'admin' });
});
afterAll(() => server.stop());

describe('examples/node', () => {
  it('verifies from an argument and from stdin, and rejects a tampered token', async () => {
    const args = ['examples/node/verify.mjs', `${server.url}/jwks`, ISSUER, AUDIENCE];
    const ok = await runCommand(process.execPath, [...args, token], 30_000, root);
    const fromStdin = await runCommand(process.execPath, args, 30_000, root, `${token}\n`);
    expect([fromStdin.code, fromStdin.stdout]).toEqual([
      0,
      expect.stringContaining('valid: sub=user-1'),
    ]);
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringContaining('valid: sub=user-1')]);
    const bad = await runCommand(process.execPath, [...args, tampered], 30_000, root);
    expect([bad.code, bad.stderr]).toEqual([
      1,
      expect.stringContaining('rejected: ERR_SIGNATURE_INVALID'),
    ]);
    const usage = await runCommand(process.execPath, ['examples/node/verify.mjs'], 30_000, root);
    expect(usage.code).toBe(2);
  });
});

describe('examples/deno', () => {
  it('maps tokenward to the build that the package gives Deno users', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const map = JSON.parse(readFileSync(join(root, 'examples/deno/deno.json'), 'utf8'));
    expect(join('examples/deno', map.imports.tokenward)).toBe(join(pkg.exports['.'].import.deno));
  });

  it('verifies with Deno, allowed to reach the key server only', async () => {
    const host = new URL(server.url).host;
    const deno = join(root, 'node_modules/.bin/deno');
    const run = (t: string) =>
      runCommand(
        deno,
        [
          'run',
          `--allow-net=${host}`,
          '--allow-read',
          'verify.ts',
          `${server.url}/jwks`,
          ISSUER,
          AUDIENCE,
          t,
        ],
        60_000,
        join(root, 'examples/deno'),
      );
    const ok = await run(token);
    expect([ok.code, ok.stdout + ok.stderr]).toEqual([
      0,
      expect.stringContaining('valid: sub=user-1'),
    ]);
    const bad = await run(tampered);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining('ERR_SIGNATURE_INVALID')]);
  }, 60_000);
});

describe('examples/worker', () => {
  let worker: RunningWorker | undefined;
  beforeAll(async () => {
    worker = await startWorker('examples/worker/worker.mjs', 'example', {
      JWKS_URL: `${server.url}/jwks`,
      ISSUER,
      AUDIENCE,
    });
  }, 60_000);
  afterAll(() => worker?.stop());

  it('answers 200 for a valid bearer token, 401 otherwise, in workerd', async () => {
    const call = (authorization?: string) =>
      fetch(`${worker!.url}/`, authorization === undefined ? {} : { headers: { authorization } });
    const ok = await call(`Bearer ${token}`);
    expect([ok.status, await ok.json()]).toEqual([200, { hello: 'user-1' }]);
    const bad = await call(`Bearer ${tampered}`);
    expect([bad.status, await bad.json()]).toEqual([401, { error: 'ERR_SIGNATURE_INVALID' }]);
    expect(bad.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await call()).status).toBe(401);
  });
});

describe('examples/flask-compat', () => {
  const dir = join(root, 'examples/flask-compat');
  const flaskIssuer = 'https://flask.example.com';
  let flaskToken = '';

  beforeAll(async () => {
    const keys = await runCommand('sh', ['make-keys.sh'], 30_000, dir);
    expect(keys.code, keys.stderr).toBe(0);
    // The token as Flask-JWT makes it: PyJWT where it is installed (CI installs python3-jwt).
    const pyjwt = await runCommand('/usr/bin/python3', ['-c', 'import jwt'], 10_000).catch(() => ({
      code: 1,
    }));
    if (pyjwt.code !== 0 && process.env.CI === 'true')
      throw new Error('PyJWT missing: apt-get install -y python3-jwt (.ci/run does)');
    const signed =
      pyjwt.code === 0
        ? await runCommand(
            '/usr/bin/python3',
            ['sign_token.py', flaskIssuer, AUDIENCE],
            30_000,
            dir,
          )
        : await runCommand(
            process.execPath,
            ['sign-token.mjs', flaskIssuer, AUDIENCE],
            30_000,
            dir,
          );
    expect(signed.code, signed.stderr).toBe(0);
    flaskToken = signed.stdout.trim();
  }, 60_000);
  afterAll(() => {
    for (const file of ['rs256.pem', 'rs256.pub']) rmSync(join(dir, file), { force: true });
  });

  it('made the keys with openssl: PKCS#8 private, SPKI public', () => {
    expect(readFileSync(join(dir, 'rs256.pem'), 'utf8')).toContain('BEGIN PRIVATE KEY');
    expect(readFileSync(join(dir, 'rs256.pub'), 'utf8')).toContain('BEGIN PUBLIC KEY');
  });

  it('verifies the token in Node with the public key', async () => {
    const ran = await runCommand(
      process.execPath,
      ['verify.mjs', flaskIssuer, AUDIENCE],
      30_000,
      dir,
      flaskToken,
    );
    expect([ran.code, ran.stdout + ran.stderr]).toEqual([
      0,
      expect.stringContaining('valid: identity=42'),
    ]);
  });

  it.runIf(chromiumAvailable())(
    "verifies it in a page with pem('rs256.pub')",
    async () => {
      // As a Flask app serves its static files: the page next to rs256.pub.
      const site = await serveStatic(root, {
        '/index.html': 'examples/flask-compat/index.html',
        '/rs256.pub': 'examples/flask-compat/rs256.pub',
        '/tokenward.iife.js': 'dist/tokenward.iife.js',
      });
      const browser = await launchChromium();
      try {
        const page = await browser.context.newPage();
        const query = new URLSearchParams({ token: flaskToken, iss: flaskIssuer, aud: AUDIENCE });
        await page.goto(`${site.url}/index.html?${query}`);
        await page.waitForFunction(
          () => document.getElementById('result')?.textContent !== 'verifying…',
        );
        expect(await page.textContent('#result')).toBe('valid: identity=42');
      } finally {
        await browser.close();
        await site.close();
      }
    },
    60_000,
  );
});
