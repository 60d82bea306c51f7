import { beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, decode, localJwks, type VerifierOptions } from '../../src/index.js';
import { decodeToken } from '../../src/token/compact.js';
import { codeOf, refusal } from '../helpers/outcome.js';
import { AUDIENCE, b64url, ISSUER, makeKey, type TestKey } from '../helpers/keys.js';

// The limits and shape rules of the token decoder (src/token/compact.ts), through createVerifier
// and decode() where they show, each at its edge. Each case names the mutant it kills.

let key: TestKey;
beforeAll(async () => {
  key = await makeKey('limits', 'ES256');
});

const verifier = (options: Partial<VerifierOptions> = {}) =>
  createVerifier({
    keys: localJwks(key.publicJwk),
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    ...options,
  });

/** Signs raw payload bytes (ES256), so a test can send what no JWT library would make. */
async function signBytes(header: object, payload: Uint8Array): Promise<string> {
  const input = `${b64url(header)}.${Buffer.from(payload).toString('base64url')}`;
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    key.privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

const header = { alg: 'ES256', kid: 'limits' };
const claims = { iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 };

/** A signed token of exactly `length` characters: a `pad` claim (and a `typ`) take up the rest. */
async function tokenOfLength(length: number): Promise<string> {
  // ES256 signatures are 64 bytes: 86 base64url characters. A payload of n bytes takes
  // ceil(4n/3) characters, which can never be 1 mod 4: the typ's length evens that out.
  for (const typ of ['JWT', 'JWTx']) {
    const head = { ...header, typ };
    for (let pad = 0; pad < length; pad++) {
      const json = JSON.stringify({ ...claims, pad: 'x'.repeat(pad) });
      const total = b64url(head).length + Math.ceil((json.length * 4) / 3) + 86 + 2;
      if (total === length) return signBytes(head, Buffer.from(json));
      if (total > length) break;
    }
  }
  throw new Error(`no token of ${length} characters`);
}

describe('the 16 KiB token limit', () => {
  // Kills `token.length > MAX_TOKEN_LENGTH` → `>=` (and the constant shrunk).
  it('verifies a token of exactly 16 KiB, and refuses one character more before decoding', async () => {
    const exact = await tokenOfLength(16 * 1024);
    expect(exact).toHaveLength(16384);
    expect(await codeOf(verifier().verify(exact))).toBe('OK');
    // One more character of signature: the size rule speaks before the (now wrong) signature.
    const over = `${exact}A`;
    const error = await refusal(verifier().verify(over));
    expect([error.code, error.message]).toEqual([
      'ERR_TOKEN_MALFORMED',
      expect.stringMatching(/16385 characters; tokens over 16 KiB/),
    ]);
    expect(() => decode(over)).toThrow(/over 16 KiB/);
  });
});

describe('header and payload are JSON objects in strict UTF-8', () => {
  // Kills `new TextDecoder('utf-8', { fatal: true })` → `{}` or `{ fatal: false }`: invalid
  // UTF-8 would then decode to U+FFFD and the token pass, spelt differently from what was signed.
  it('refuses a signed payload that is not valid UTF-8', async () => {
    const json = Buffer.from(JSON.stringify({ ...claims, sub: '--' }));
    json[json.indexOf('--')] = 0xff; // a byte that starts no UTF-8 sequence
    const token = await signBytes(header, json);
    expect(await codeOf(verifier().verify(token))).toBe('ERR_TOKEN_MALFORMED');
    expect(() => decode(token)).toThrow(/payload is not base64url-encoded JSON/);
  });

  // Kills each part of `typeof value !== 'object' || value === null || Array.isArray(value)`
  // removed: with no required claims and no iss/aud check, an array payload would verify.
  it.each(['[]', '["exp"]', 'null', '"a string"', '42', 'true'])(
    'refuses a signed payload %s, even when no claim is required',
    async (payload) => {
      const token = await signBytes(header, Buffer.from(payload));
      const open = verifier({ issuer: null, audience: null, requiredClaims: [] });
      expect(await codeOf(open.verify(token))).toBe('ERR_TOKEN_MALFORMED');
      expect(await codeOf(verifier().verify(token))).toBe('ERR_TOKEN_MALFORMED');
    },
  );

  it.each(['[]', 'null', '"RS256"'])('refuses a header %s', (json) => {
    const token = `${Buffer.from(json).toString('base64url')}.${b64url(claims)}.c2ln`;
    expect(() => decodeToken(token)).toThrow(/header must be a JSON object/);
  });
});

describe('the cache of checked headers is bounded', () => {
  // Kills the eviction removed, or its bound moved (`>=` → `>`): the cache keeps 32 headers,
  // dropping the oldest, so a stream of distinct headers cannot grow it. Seen from outside:
  // a cached header is the same frozen object for every token that spells it the same.
  it('keeps a header while 31 others arrive, and drops it on the 32nd', () => {
    const tokenWith = (kid: string) => `${b64url({ alg: 'ES256', kid })}.${b64url(claims)}.c2ln`;
    const first = decodeToken(tokenWith('first')).header;
    for (let i = 0; i < 31; i++) decodeToken(tokenWith(`other-${i}`));
    expect(decodeToken(tokenWith('first')).header).toBe(first);
    decodeToken(tokenWith('other-31'));
    const again = decodeToken(tokenWith('first')).header;
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    expect(decodeToken(tokenWith('first')).header).toBe(again);
  });
});
