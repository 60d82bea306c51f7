import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../helpers/spawn.js';

// Issue 20: jose is loaded by pem() only, on its first use, so the Node build's start-up (and
// every verify against JWKs) never pays for it. Each check runs in a fresh `node` inside the
// package, importing it by name as users do (the `node` condition: dist/node/).
const root = resolve(import.meta.dirname, '../..');

// Makes a key pair and a token in the child, verifies it against the key as a JWK set, then
// against the same key as PEM; prints what happened on each path.
const SCENARIO = `
const { generateKeyPairSync, createSign } = await import('node:crypto');
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const input = part({ alg: 'RS256', kid: 'k' }) + '.' + part({ exp: 2e9 });
const token = input + '.' + createSign('sha256').update(input).sign(privateKey, 'base64url');
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k' };
const options = { issuer: null, audience: null };
const said = (promise) => promise.then(() => 'verified', (e) => 'refused: ' + (e.cause?.message ?? e.message));
const jwks = tw.createVerifier({ ...options, keys: tw.localJwks({ keys: [jwk] }) });
console.log('jwks ' + (await said(jwks.verify(token))) + ' ' + loaded());
const pemKeys = tw.pem(publicKey.export({ format: 'pem', type: 'spki' }));
const viaPem = tw.createVerifier({ ...options, keys: pemKeys });
console.log('pem ' + (await said(viaPem.verify(token))) + ' ' + loaded());
`;

describe('jose is loaded where it is used, and only there', () => {
  it('ESM: importing and verifying against JWKs never resolves jose; pem() does', async () => {
    // A resolve hook that counts every resolution of "jose" (hooks run off the main thread, so
    // the count comes back through a MessageChannel).
    const hook = `data:text/javascript,${encodeURIComponent(
      'let port; export function initialize(d) { port = d.port; } ' +
        'export async function resolve(s, c, next) { if (s === "jose") port.postMessage(1); return next(s, c); }',
    )}`;
    const script = `
      import { register } from 'node:module';
      import { MessageChannel } from 'node:worker_threads';
      const { port1, port2 } = new MessageChannel();
      let joseResolved = 0;
      port1.on('message', () => joseResolved++);
      port1.unref();
      register(${JSON.stringify(hook)}, { data: { port: port2 }, transferList: [port2] });
      const tw = await import('tokenward');
      // A resolution posted by the hook thread arrives within a turn or two.
      const settle = () => new Promise((r) => setTimeout(r, 50));
      await settle();
      const loaded = () => 'jose resolved ' + joseResolved;
      ${SCENARIO.replaceAll("' + loaded()", "' + (await settle(), loaded())")}
    `;
    const ran = await runCommand(process.execPath, ['--input-type=module'], 60_000, root, script);
    expect(ran.stderr).not.toMatch(/Error/);
    expect(ran.stdout).toContain('jwks verified jose resolved 0');
    expect(ran.stdout).toContain('pem verified jose resolved 1');
  }, 90_000);

  it('CommonJS: requiring and verifying against JWKs never loads the jose chunk; pem() does', async () => {
    const script = `
      (async () => {
        const tw = require('tokenward');
        const loaded = () =>
          'jose chunk ' + (Object.keys(require.cache).some((f) => /chunks[\\\\/]webapi-/.test(f)) ? 'loaded' : 'absent');
        ${SCENARIO}
      })();
    `;
    const ran = await runCommand(process.execPath, ['--input-type=commonjs'], 60_000, root, script);
    expect(ran.stderr).not.toMatch(/Error/);
    expect(ran.stdout).toContain('jwks verified jose chunk absent');
    expect(ran.stdout).toContain('pem verified jose chunk loaded');
  }, 90_000);
});
