import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { KeyServer } from '../helpers/key-server.js';
import { decodePart, makeKey, sign, withPart, type TestKey } from '../helpers/keys.js';
import { runCommand } from '../helpers/spawn.js';
import { serveStatic, type StaticSite } from '../helpers/static-site.js';

// examples/react, as a user builds it: Vite 8 + React 19 from the example's own package.json and
// lockfile (installed here on first use, apart from the project's node_modules), tokenward linked
// from this repository's build (npm test builds dist/ first). The built app runs in Chromium on
// another origin than the issuer, whose discovery document and key set are on a real server.
const root = resolve(import.meta.dirname, '../..');
const example = join(root, 'examples/react');
const AUDIENCE = 'react-example';

async function installExample(): Promise<void> {
  if (existsSync(join(example, 'node_modules/.bin/vite'))) return;
  const ran = await runCommand('npm', ['ci', '--no-audit', '--no-fund'], 240_000, example);
  if (ran.code !== 0) throw new Error(`npm ci in examples/react failed:\n${ran.stderr}`);
}

/** `vite build` with the issuer baked in, as `VITE_ISSUER=… npm run build` does. */
async function build(issuer: string, outDir: string) {
  Object.assign(process.env, { VITE_ISSUER: issuer, VITE_AUDIENCE: AUDIENCE });
  try {
    const vite = join(example, 'node_modules/.bin/vite');
    return await runCommand(vite, ['build', '--outDir', outDir, '--emptyOutDir'], 120_000, example);
  } finally {
    delete process.env.VITE_ISSUER;
    delete process.env.VITE_AUDIENCE;
  }
}

describe.runIf(chromiumAvailable())('examples/react (Vite + React, in Chromium)', () => {
  let keyServer: KeyServer;
  let key: TestKey;
  let site: StaticSite;
  let outDir: string;

  beforeAll(async () => {
    [keyServer, key] = await Promise.all([
      new KeyServer().start(),
      makeKey('react-1'),
      installExample(),
    ]);
    keyServer.json('/.well-known/openid-configuration', {
      issuer: keyServer.url,
      jwks_uri: `${keyServer.url}/jwks`,
    });
    keyServer.json('/jwks', { keys: [key.publicJwk] });
    mkdirSync(join(root, '.tmp'), { recursive: true });
    outDir = mkdtempSync(join(root, '.tmp', 'react-'));
    const built = await build(keyServer.url, outDir);
    if (built.code !== 0) throw new Error(`vite build failed:\n${built.stdout}${built.stderr}`);
    site = await serveStatic(outDir, { '/': 'index.html' }, ['/assets/']);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([keyServer?.stop(), site?.close()]);
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('typechecks: the hook against the types tokenward publishes', async () => {
    const tsc = join(root, 'node_modules/.bin/tsc');
    const out = await runCommand(tsc, ['-p', example], 120_000, root);
    expect(out.stdout + out.stderr).toBe('');
    expect(out.code).toBe(0);
  }, 120_000);

  it('shows the user of a token that verifies, and refuses a tampered one', async () => {
    const token = await sign(key, { iss: keyServer.url, aud: AUDIENCE, sub: 'ada' });
    const tampered = withPart(token, 1, { ...decodePart(token, 1), sub: 'admin' });
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));

      await page.goto(`${site.url}/`);
      expect(await page.textContent('[data-state="none"]')).toContain('No token');

      await page.goto(`${site.url}/#token=${token}`);
      await page.reload(); // a fragment change alone does not reload the app
      await page.waitForSelector('[data-state="valid"]', { timeout: 15_000 });
      expect(await page.textContent('[data-state="valid"]')).toContain('Signed in as ada');

      await page.goto(`${site.url}/#token=${tampered}`);
      await page.reload();
      await page.waitForSelector('[data-state="refused"]', { timeout: 15_000 });
      expect(await page.getAttribute('[data-state="refused"]', 'data-code')).toBe(
        'ERR_SIGNATURE_INVALID',
      );
      expect(errors).toEqual([]);
      // Discovery once and the key set once per page load: the verifier lives in module scope.
      expect(keyServer.count('/.well-known/openid-configuration')).toBe(3);
      expect(keyServer.count('/jwks')).toBe(3);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
