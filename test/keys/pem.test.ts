import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importPKCS8 } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, isVerificationError, pem, VerificationError } from '../../src/index.js';
import { KeyServer } from '../helpers/key-server.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';

// Keys made by openssl in this run, as in the Flask-JWT RS256 set-up: rs256.pem signs, rs256.pub verifies.
let dir: string;
let privatePem: string;
let publicPem: string;
let certificatePem: string;
let flaskKey: TestKey;
let server: KeyServer;
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokenward-pem-'));
  openssl('genrsa', '-out', 'rs256.pem', '2048');
  openssl('rsa', '-in', 'rs256.pem', '-pubout', '-out', 'rs256.pub');
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    'rs256.pem',
    '-subj',
    '/CN=tokenward test',
    '-days',
    '1',
    '-out',
    'cert.pem',
  );
  privatePem = readFileSync(join(dir, 'rs256.pem'), 'utf8');
  publicPem = readFileSync(join(dir, 'rs256.pub'), 'utf8');
  certificatePem = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const privateKey = await importPKCS8(privatePem, 'RS256');
  flaskKey = { kid: 'ignored', alg: 'RS256', privateKey } as TestKey;
  server = await new KeyServer().start();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server.stop();
});
afterEach(() => server.reset());

const verifierFor = (keys: ReturnType<typeof pem>) =>
  createVerifier({ keys, issuer: ISSUER, audience: AUDIENCE });

describe('pem()', () => {
  it('verifies with an SPKI public key from `openssl rsa -pubout`, whatever the token kid', async () => {
    const v = verifierFor(pem(publicPem));
    await expect(v.verify(await sign(flaskKey))).resolves.toBeTruthy();
    await expect(v.verify(await sign(flaskKey, {}, { kid: undefined }))).resolves.toBeTruthy();
  });

  it('verifies with an X.509 certificate', async () => {
    await expect(
      verifierFor(pem(certificatePem)).verify(await sign(flaskKey)),
    ).resolves.toBeTruthy();
  });

  it('refuses a token signed by another key', async () => {
    const other = await makeKey('other');
    const error = await verifierFor(pem(publicPem))
      .verify(await sign(other))
      .catch((e: unknown) => e);
    expect(isVerificationError(error) && error.code).toBe('ERR_SIGNATURE_INVALID');
  });

  it('refuses the private key at once, and says how to publish the public one', () => {
    let error: unknown;
    try {
      pem(privatePem);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VerificationError);
    expect((error as VerificationError).code).toBe('ERR_KEY_INVALID');
    expect((error as Error).message).toContain('openssl rsa -in rs256.pem -pubout -out rs256.pub');
  });

  it.each([
    [
      'a PKCS#1 RSA private key',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----',
    ],
    ['an EC private key', '-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----'],
    [
      'an encrypted private key',
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF\n-----END ENCRYPTED PRIVATE KEY-----',
    ],
    ['a PKCS#1 public key', '-----BEGIN RSA PUBLIC KEY-----\nMIIB\n-----END RSA PUBLIC KEY-----'],
    ['an unclosed block', '-----BEGIN PUBLIC KEY-----\nMIIB'],
  ])('refuses %s with ERR_KEY_INVALID', (_what, text) => {
    expect(() => pem(text)).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
  });

  it('refuses a corrupt public key at the first verify', async () => {
    const v = verifierFor(
      pem('-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----'),
    );
    const error = await v.verify(await sign(flaskKey)).catch((e: unknown) => e);
    expect(isVerificationError(error) && error.code).toBe('ERR_KEY_INVALID');
  });

  it('refuses an RSA key under 2048 bits', async () => {
    openssl('genrsa', '-out', 'weak.pem', '1024');
    openssl('rsa', '-in', 'weak.pem', '-pubout', '-out', 'weak.pub');
    const v = verifierFor(pem(readFileSync(join(dir, 'weak.pub'), 'utf8')));
    const error = await v.verify(await sign(flaskKey)).catch((e: Error) => e);
    expect(isVerificationError(error) && error.code).toBe('ERR_KEY_INVALID');
    expect((error as Error).message).toContain('1024-bit');
  });

  it('uses the alg option, and refuses an unsupported one', async () => {
    const es = await makeKey('e', 'ES256');
    const v = createVerifier({
      keys: pem(es.publicPem, { alg: 'ES256' }),
      algorithms: ['ES256'],
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    await expect(v.verify(await sign(es))).resolves.toBeTruthy();
    expect(() => pem(es.publicPem, { alg: 'HS256' })).toThrow(TypeError);
  });

  it('fetches rs256.pub from a URL', async () => {
    server.routes.set('/rs256.pub', {
      body: publicPem,
      type: 'application/x-pem-file',
      etag: '"p1"',
    });
    const v = verifierFor(pem(`${server.url}/rs256.pub`));
    await expect(v.verify(await sign(flaskKey))).resolves.toBeTruthy();
    expect(server.count('/rs256.pub')).toBe(1);
  });

  it('refuses a private key served at the URL, and an answer with no PEM', async () => {
    server.routes.set('/rs256.pub', { body: privatePem, type: 'text/plain' });
    const error = await verifierFor(pem(`${server.url}/rs256.pub`, { retry: 0 }))
      .verify(await sign(flaskKey))
      .catch((e: Error) => e);
    expect(isVerificationError(error) && error.code).toBe('ERR_KEY_INVALID');
    server.routes.set('/rs256.pub', { body: '<html>login</html>', type: 'text/html' });
    const html = await verifierFor(pem(`${server.url}/rs256.pub`, { retry: 0 }))
      .verify(await sign(flaskKey))
      .catch((e: Error) => e);
    expect(isVerificationError(html) && html.code).toBe('ERR_KEY_FETCH_FAILED');
  });

  it('explains that a relative path needs a browser (or the file read first)', () => {
    const hasLocation = typeof location !== 'undefined';
    if (hasLocation) expect(pem('rs256.pub').kind).toBe('pem');
    else expect(() => pem('rs256.pub')).toThrow(/URLs must be absolute/);
  });

  it('refuses text that holds a private key anywhere, as a leaked bundle does', async () => {
    for (const bundle of [`${publicPem}\n${privatePem}`, `${certificatePem}${privatePem}`]) {
      expect(() => pem(bundle)).toThrow(/holds a private key/);
    }
    server.routes.set('/bundle.pem', { body: `${publicPem}${privatePem}`, type: 'text/plain' });
    const error = await verifierFor(pem(`${server.url}/bundle.pem`, { retry: 0 }))
      .verify(await sign(flaskKey))
      .catch((e: Error) => e);
    expect(isVerificationError(error) && error.code).toBe('ERR_KEY_INVALID');
    expect((error as Error).message).toContain('openssl rsa -in rs256.pem -pubout');
  });

  it('never repeats its argument in an error: it may be a token or a secret', async () => {
    const token = await sign(flaskKey);
    const notPem = 'this file has no key in it\njust words';
    for (const input of [token, notPem, `${token}\n`]) {
      let message = '';
      try {
        pem(input);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      for (const piece of input.split(/[.\s]/).filter((p) => p.length > 8))
        expect(message).not.toContain(piece);
    }
  });
});
