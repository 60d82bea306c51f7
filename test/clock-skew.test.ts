import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, jwks, localJwks, type VerifierEvent } from '../src/index.js';
import { codeOf } from './helpers/outcome.js';
import { KeyServer } from './helpers/key-server.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from './helpers/keys.js';

const HOURS = 3600_000;
let key: TestKey;
let server: KeyServer;

beforeAll(async () => {
  key = await makeKey('skew');
  server = await new KeyServer().start();
  server.json('/jwks', { keys: [key.publicJwk] });
});
afterAll(() => server.stop());

const local = (clock: () => number, clockSkew?: number | string) =>
  createVerifier({
    keys: localJwks(key.publicJwk),
    issuer: ISSUER,
    audience: AUDIENCE,
    clock,
    ...(clockSkew === undefined ? {} : { clockSkew: clockSkew as never }),
  });

describe('clockSkew as a duration', () => {
  it('lets a local clock 3 h behind validate fresh tokens', async () => {
    const behind = () => Date.now() - 3 * HOURS;
    const token = await sign(key);
    expect(await codeOf(local(behind).verify(token))).toBe('ERR_TOKEN_NOT_YET_VALID');
    expect(await codeOf(local(behind, '3h').verify(token))).toBe('OK');
  });

  it('takes a negative skew for a local clock ahead', async () => {
    const ahead = () => Date.now() + 3 * HOURS;
    const token = await sign(key);
    expect(await codeOf(local(ahead).verify(token))).toBe('ERR_TOKEN_EXPIRED');
    expect(await codeOf(local(ahead, '-3h').verify(token))).toBe('OK');
    expect(await codeOf(local(ahead, -10800).verify(token))).toBe('OK');
  });

  it('applies to memo re-checks', async () => {
    let drift = 0;
    const v = local(() => Date.now() + drift, '-1h');
    const token = await sign(key, { exp: Math.floor(Date.now() / 1000) + 60 });
    drift = HOURS;
    expect(await codeOf(v.verify(token))).toBe('OK');
    drift = HOURS + 61_000;
    expect(await codeOf(v.verify(token))).toBe('ERR_TOKEN_EXPIRED');
  });

  it('is the only duration that may be negative, and must be a duration', () => {
    expect(() => local(Date.now, 'soon')).toThrow(TypeError);
    expect(() =>
      createVerifier({
        keys: localJwks(key.publicJwk),
        issuer: null,
        audience: null,
        leeway: '-1s',
      }),
    ).toThrow(TypeError);
  });
});

describe("clockSkew: 'auto'", () => {
  const remote = (
    clock: () => number,
    events: VerifierEvent[] = [],
    clockSkew: 'auto' | 0 = 'auto',
  ) =>
    createVerifier({
      keys: jwks(`${server.url}/jwks`, { retry: 0 }),
      issuer: ISSUER,
      audience: AUDIENCE,
      leeway: 2,
      clock,
      clockSkew,
      onEvent: (e) => events.push(e),
    });

  it('estimates the offset from the key server Date and validates fresh tokens on a clock 5 h ahead', async () => {
    const ahead = () => Date.now() + 5 * HOURS;
    const events: VerifierEvent[] = [];
    const token = await sign(key);
    expect(await codeOf(remote(ahead, [], 0).verify(token))).toBe('ERR_TOKEN_EXPIRED');
    expect(await codeOf(remote(ahead, events).verify(token))).toBe('OK');
    const skew = events.find((e) => e.type === 'clock:skew') as { seconds: number } | undefined;
    expect(skew?.seconds).toBeGreaterThanOrEqual(-5 * 3600 - 2);
    expect(skew?.seconds).toBeLessThanOrEqual(-5 * 3600 + 2);
  });

  it('works for a clock hours behind too, and stays quiet when clocks agree', async () => {
    const token = await sign(key);
    expect(await codeOf(remote(() => Date.now() - 7 * HOURS).verify(token))).toBe('OK');
    const events: VerifierEvent[] = [];
    expect(await codeOf(remote(Date.now, events).verify(token))).toBe('OK');
    expect(events.some((e) => e.type === 'clock:skew')).toBe(false);
  });

  it('is 0 until a key response has been seen (inline keys never teach it)', async () => {
    const ahead = () => Date.now() + 5 * HOURS;
    expect(await codeOf(local(ahead, 'auto').verify(await sign(key)))).toBe('ERR_TOKEN_EXPIRED');
  });
});
