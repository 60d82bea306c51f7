import { beforeAll, describe, expect, it } from 'vitest';
import {
  createDpopVerifier,
  createVerifier,
  localJwks,
  memoryReplayStore,
  type DpopVerifierOptions,
  type ReplayStore,
} from '../../src/index.js';
import { ath, makeProof, makeProofKey, type ProofKey } from '../helpers/dpop.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { codeAndClaim, codeOf } from '../helpers/outcome.js';

// The limits of createDpopVerifier (src/dpop/verifier.ts) at their edges: the proof's age, the
// replay window, the jti shape, and the option TypeErrors. Each case names the mutant it kills.

const URL_ = 'https://api.example.com/orders';
const NOW = Math.floor(Date.now() / 1000); // proofs carry whole seconds
let issuerKey: TestKey;
let client: ProofKey;
let token: string;

beforeAll(async () => {
  issuerKey = await makeKey('as-edges');
  client = await makeProofKey();
  token = await sign(issuerKey, { cnf: { jkt: client.jkt }, exp: NOW + 3600 });
});

const innerVerifier = () =>
  createVerifier({ keys: localJwks(issuerKey.publicJwk), issuer: ISSUER, audience: AUDIENCE });

/** A DPoP verifier on a clock the test moves (ms), with a replay store on the same clock. */
function onClock(options: Partial<DpopVerifierOptions> = {}) {
  const time = { ms: NOW * 1000 };
  const clock = () => time.ms;
  const verifier = createDpopVerifier({
    verifier: innerVerifier(),
    clock,
    replay: memoryReplayStore({ clock }),
    maxAge: 60,
    leeway: 5,
    ...options,
  });
  return { time, verifier };
}

const request = (proof: string) =>
  new Request(URL_, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
const proof = (claims: Record<string, unknown> = {}) =>
  makeProof(client, { htm: 'GET', htu: URL_, ath: ath(token), iat: NOW, ...claims });

describe('the proof age: iat within maxAge and leeway, to the second', () => {
  // Kills `iat > now + leeway` → `>=` or leeway dropped, and `iat < now - maxAge - leeway` →
  // `<=`, or either bound's leeway or maxAge dropped or of the wrong sign.
  // Titles name offsets, not times: Stryker finds a test again by its title.
  it.each([
    [5, 'OK'],
    [6, 'ERR_DPOP_INVALID iat'],
    [-65, 'OK'],
    [-66, 'ERR_DPOP_INVALID iat'],
  ])('iat now %+d s (maxAge 60, leeway 5) → %s', async (offset, expected) => {
    const iat = NOW + offset;
    const { verifier } = onClock();
    const outcome = await verifier.verify(request(await proof({ iat }))).then(
      () => 'OK',
      (e: { code: string; claim?: string }) => `${e.code} ${e.claim}`,
    );
    expect(outcome).toBe(expected);
  });
});

describe('a proof is remembered for as long as it could be accepted', () => {
  // Kills a ttl of one second (the issue's `Math.max` → `Math.min`) and the ttl's terms dropped
  // or of the wrong sign: the jti must be refused as long as the iat rule accepts the proof,
  // which is through the last millisecond of second iat + maxAge + leeway. (Found here: the
  // ttl used to end at the start of that second, so a proof could be replayed during it.)
  it('refuses a replay up to the last millisecond its iat allows, with the default store', async () => {
    const { time, verifier } = onClock();
    const once = await proof();
    expect(await codeOf(verifier.verify(request(once)))).toBe('OK');
    for (const later of [1, 2, 30, 65, 65.999]) {
      time.ms = Math.round((NOW + later) * 1000);
      expect(await codeAndClaim(verifier.verify(request(once))), `${later}s later`).toEqual([
        'ERR_DPOP_INVALID',
        'jti',
      ]);
    }
    // After that the proof is too old anyway: refused for its iat, not as a replay.
    time.ms = (NOW + 66) * 1000;
    expect(await codeAndClaim(verifier.verify(request(once)))).toEqual(['ERR_DPOP_INVALID', 'iat']);
  });

  it('asks the store to keep the jti one second past iat + maxAge + leeway', async () => {
    const ttls: number[] = [];
    const inner = memoryReplayStore();
    const replay: ReplayStore = { add: (id, ttl) => (ttls.push(ttl), inner.add(id, ttl)) };
    const { time, verifier } = onClock({ replay });
    await verifier.verify(request(await proof({ iat: NOW - 10 })));
    time.ms = (NOW + 3) * 1000;
    await verifier.verify(request(await proof({ iat: NOW + 3 })));
    await verifier.verify(request(await proof({ iat: NOW + 3 - 65 }))); // the oldest accepted
    expect(ttls).toEqual([56, 66, 1]);
  });
});

describe('the jti: a non-empty string of at most 256 characters', () => {
  // Kills the jti check removed, or any of its three tests alone.
  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['a number', 42],
    ['257 characters', 'j'.repeat(257)],
  ])('refuses a proof whose jti is %s', async (_, jti) => {
    const { verifier } = onClock();
    expect(await codeAndClaim(verifier.verify(request(await proof({ jti }))))).toEqual([
      'ERR_DPOP_INVALID',
      'jti',
    ]);
  });

  it('accepts 256 characters', async () => {
    const { verifier } = onClock();
    expect(await codeOf(verifier.verify(request(await proof({ jti: 'j'.repeat(256) }))))).toBe(
      'OK',
    );
  });
});

describe('configuration mistakes are TypeErrors at creation that name createDpopVerifier', () => {
  const verifier = { verify: async () => ({}) as never };
  it.each([
    ['no options', undefined],
    ['null options', null],
    ['options that are not an object', 'verifier'],
    ['no verifier', {}],
    ['a verifier without verify', { verifier: {} }],
    ['a clock that is not a function', { verifier, clock: 1000 }],
    ['a replay store without add', { verifier, replay: { set: () => true } }],
    ['a nonce that is neither true nor a function', { verifier, nonce: 'abc' }],
    ['nonce: false', { verifier, nonce: false }],
    ['algorithms that are not an array', { verifier, algorithms: 'ES256' }],
    [
      'algorithms that only look like an array',
      { verifier, algorithms: { 0: 'ES256', length: 1 } },
    ],
    ['no algorithms', { verifier, algorithms: [] }],
    ['HS256', { verifier, algorithms: ['ES256', 'HS256'] }],
    ['a negative maxAge', { verifier, maxAge: -1 }],
    ['a leeway that is no duration', { verifier, leeway: 'soon' }],
  ])('%s', (_, options) => {
    expect(() => createDpopVerifier(options as never)).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        message: expect.stringMatching(/^createDpopVerifier/),
      }),
    );
  });

  it('takes every default when given only a verifier, and nonce: true or a function', () => {
    expect(typeof createDpopVerifier({ verifier }).verify).toBe('function');
    expect(typeof createDpopVerifier({ verifier, nonce: true }).nonce).toBe('function');
    expect(typeof createDpopVerifier({ verifier, nonce: () => 'n' }).nonce).toBe('function');
  });
});
