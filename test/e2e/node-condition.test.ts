import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURE_ALGORITHMS, type SignatureCase } from '../runtimes/fixtures.js';
import { makeKey, sign, withPart } from '../helpers/keys.js';
import type { Algorithm } from '../../src/crypto/algorithms.js';

// The two builds side by side in one Node process: dist/index.js (WebCrypto, what browsers,
// Workers and a bundle without `node` get) and dist/node/index.js (node:crypto, the `node` and
// `deno` conditions, issue 17). Same tokens, same verdicts, same codes, same words.
const root = resolve(import.meta.dirname, '../..');
type Tokenward = typeof import('../../src/index.js');
const builds: [string, Tokenward][] = [];
const tokens = new Map<string, Record<SignatureCase, string>>();
const jwks: object[] = [];

beforeAll(async () => {
  builds.push(
    ['WebCrypto build', (await import(join(root, 'dist/index.js'))) as Tokenward],
    ['node:crypto build', (await import(join(root, 'dist/node/index.js'))) as Tokenward],
  );
  for (const alg of SIGNATURE_ALGORITHMS) {
    const [key, other] = await Promise.all([makeKey(`b-${alg}`, alg), makeKey(`b-${alg}`, alg)]);
    jwks.push(key.publicJwk);
    const valid = await sign(key, { sub: `user-${alg}` });
    const signature = Buffer.from(valid.split('.')[2]!, 'base64url');
    const flipped = Buffer.from(signature);
    flipped[0]! ^= 0x80;
    tokens.set(alg, {
      valid,
      flipped: withPart(valid, 2, flipped.toString('base64url')),
      short: withPart(valid, 2, signature.subarray(1).toString('base64url')),
      wrongKey: await sign(other),
    });
  }
}, 60_000);

/** What each build says about `token`: the subject, or the code and message of its refusal. */
async function verdicts(token: string): Promise<unknown[]> {
  return Promise.all(
    builds.map(async ([, build]) => {
      const verifier = build.createVerifier({
        keys: build.localJwks({ keys: jwks as never }),
        issuer: 'https://issuer.test',
        audience: 'tokenward-tests',
        algorithms: [...SIGNATURE_ALGORITHMS] as Algorithm[],
      });
      return verifier.verify(token).then(
        ({ payload }) => ({ sub: payload.sub }),
        (error: { code?: string; message?: string }) => ({
          code: error.code,
          message: error.message,
        }),
      );
    }),
  );
}

describe.each(SIGNATURE_ALGORITHMS)('%s through both builds', (alg) => {
  it.each(['valid', 'flipped', 'short', 'wrongKey'] as const)('%s', async (kind) => {
    const [web, node] = await verdicts(tokens.get(alg)![kind]);
    expect(node).toEqual(web);
    expect(web).toEqual(
      kind === 'valid'
        ? { sub: `user-${alg}` }
        : { code: 'ERR_SIGNATURE_INVALID', message: expect.stringContaining('does not verify') },
    );
  });
});

it('a token of one algorithm with the signature of another is refused alike', async () => {
  const rs = tokens.get('RS256')!.valid.split('.');
  const ps = tokens.get('PS256')!.valid.split('.');
  const [web, node] = await verdicts(`${rs[0]}.${rs[1]}.${ps[2]}`);
  expect(node).toEqual(web);
  expect(web).toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
});
