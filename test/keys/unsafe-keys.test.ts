import { createHash, createPrivateKey, sign as rsaSign } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, jwks, localJwks, pem } from '../../src/index.js';
import { refusal } from '../helpers/outcome.js';
import { AUDIENCE, b64url, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { modInverse, rocaKey, toBase64url } from '../helpers/roca-key.js';
import { json, ScriptedServer } from '../helpers/scripted-server.js';

// Keys a hostile or broken key server may publish; each must be refused with ERR_KEY_INVALID,
// in a remote set dropped like a weak key (the other keys keep working).
const server = new ScriptedServer();
let good: TestKey;
let ec: TestKey;

beforeAll(async () => {
  await server.start();
  [good, ec] = await Promise.all([makeKey('good'), makeKey('ec', 'ES256')]);
});
afterAll(() => server.stop());
afterEach(() => server.reset());

const remote = (...keys: object[]) => {
  server.fallback = json({ keys });
  return createVerifier({
    keys: jwks(`${server.url}/jwks`, { retry: 0 }),
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['RS256', 'ES256'],
  });
};

/** An RS256 "signature" for a key with e = 1: the padded hash itself, which anyone can compute. */
function forgeWithExponentOne(kid: string, modulusBytes: number): string {
  const input = `${b64url({ alg: 'RS256', kid })}.${b64url({ iss: ISSUER, aud: AUDIENCE, exp: 4e9 })}`;
  const digestInfo = Buffer.concat([
    Buffer.from('3031300d060960864801650304020105000420', 'hex'),
    createHash('sha256').update(input).digest(),
  ]);
  const padding = Buffer.alloc(modulusBytes - digestInfo.length - 3, 0xff);
  const encoded = Buffer.concat([Buffer.from([0, 1]), padding, Buffer.from([0]), digestInfo]);
  return `${input}.${encoded.toString('base64url')}`;
}

describe('unsafe keys are refused, never trusted', () => {
  it('refuses an RSA key with e = 1, against which anyone can forge, and keeps the others', async () => {
    const forged = forgeWithExponentOne('e1', 256);
    const verifier = remote({ ...good.publicJwk, kid: 'e1', e: 'AQ' }, good.publicJwk);
    const error = await refusal(verifier.verify(forged));
    expect([error.code, error.message]).toEqual([
      'ERR_KEY_INVALID',
      expect.stringMatching(/public exponent is 1/),
    ]);
    expect((await verifier.verify(await sign(good))).payload.iss).toBe(ISSUER);
  });

  it.each([
    ['even', 'AAE'],
    ['too large', toBase64url(2n ** 64n + 1n)],
  ])('refuses an RSA key whose exponent is %s', async (_, e) => {
    const error = await refusal(
      remote({ ...good.publicJwk, kid: 'odd', e }).verify(await sign(good, {}, { kid: 'odd' })),
    );
    expect(error.code).toBe('ERR_KEY_INVALID');
  });

  it('refuses a working key with the ROCA fingerprint (CVE-2017-15361), inline and remote', async () => {
    const numbers = rocaKey();
    const jwk = { kty: 'RSA', n: toBase64url(numbers.n), e: toBase64url(numbers.e) };
    const privateKey = createPrivateKey({
      format: 'jwk',
      key: {
        ...jwk,
        d: toBase64url(numbers.d),
        p: toBase64url(numbers.p),
        q: toBase64url(numbers.q),
        dp: toBase64url(numbers.d % (numbers.p - 1n)),
        dq: toBase64url(numbers.d % (numbers.q - 1n)),
        qi: toBase64url(modInverse(numbers.q, numbers.p)),
      },
    });
    const input = `${b64url({ alg: 'RS256', kid: 'roca' })}.${b64url({ iss: ISSUER, aud: AUDIENCE, exp: 4e9 })}`;
    const token = `${input}.${rsaSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    const fromRemote = await refusal(remote({ ...jwk, kid: 'roca' }).verify(token));
    expect([fromRemote.code, fromRemote.message]).toEqual([
      'ERR_KEY_INVALID',
      expect.stringMatching(/ROCA.*CVE-2017-15361/),
    ]);
    const inline = createVerifier({ keys: localJwks(jwk), issuer: ISSUER, audience: AUDIENCE });
    expect((await refusal(inline.verify(token))).code).toBe('ERR_KEY_INVALID');
    const publicPem = (await import('node:crypto')).createPublicKey(privateKey).export({
      type: 'spki',
      format: 'pem',
    }) as string;
    expect(() => pem(publicPem)).not.toThrow(); // refused at the first verify
    const fromPem = createVerifier({ keys: pem(publicPem), issuer: ISSUER, audience: AUDIENCE });
    expect((await refusal(fromPem.verify(token))).message).toMatch(/ROCA/);
  });

  it.each([
    ['a point off P-256', (jwk: Record<string, string>) => ({ ...jwk, y: jwk.x })],
    [
      'P-384-sized coordinates labelled P-256',
      (jwk: Record<string, string>) => ({
        ...jwk,
        x: Buffer.concat([Buffer.alloc(16), Buffer.from(jwk.x!, 'base64url')]).toString(
          'base64url',
        ),
        y: Buffer.concat([Buffer.alloc(16), Buffer.from(jwk.y!, 'base64url')]).toString(
          'base64url',
        ),
      }),
    ],
  ])('reports an EC key with %s as ERR_KEY_INVALID, not a bad signature', async (_, spoil) => {
    const token = await sign(ec);
    const error = await refusal(
      remote(spoil(ec.publicJwk as Record<string, string>), good.publicJwk).verify(token),
    );
    expect(error.code).toBe('ERR_KEY_INVALID');
  });
});
