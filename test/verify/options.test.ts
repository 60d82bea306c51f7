import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createAccessTokenVerifier,
  createIdTokenVerifier,
  createLogoutTokenVerifier,
  createMultiIssuerVerifier,
  createVerifier,
  localJwks,
  type VerifierOptions,
} from '../../src/index.js';

const keys = localJwks({ keys: [] });
const base: VerifierOptions = { keys, issuer: 'https://idp.test', audience: 'spa' };

afterEach(() => vi.unstubAllGlobals());

describe('createVerifier: configuration mistakes throw a TypeError at once', () => {
  it.each<[string, Record<string, unknown>]>([
    ['no keys', { keys: undefined }],
    ['keys that are not a key source', { keys: { url: 'https://idp.test/jwks' } }],
    ['issuer omitted', { issuer: undefined }],
    ['audience omitted', { audience: undefined }],
    ['an empty audience', { audience: '' }],
    ['HS256 in algorithms', { algorithms: ['RS256', 'HS256'] }],
    ['none in algorithms', { algorithms: ['none'] }],
    ['an unknown algorithm', { algorithms: ['RS1'] }],
    ['empty algorithms', { algorithms: [] }],
    ['a negative leeway', { leeway: -5 }],
    ['a leeway in an unknown unit', { leeway: '5 fortnights' }],
    ['a negative maxTokenAge', { maxTokenAge: '-1h' }],
    ['a memo of size 0', { memo: { max: 0 } }],
    ['a clock that is not a function', { clock: 5 }],
    ['a cache without set and delete', { cache: { get: () => undefined } }],
    ['a misspelt option', { audiance: 'spa' }],
  ])('%s', (_what, change) => {
    expect(() => createVerifier({ ...base, ...change } as VerifierOptions)).toThrow(TypeError);
  });

  it('explains what to do about HS256', () => {
    // @ts-expect-error: the types refuse HS256 too; this is the run-time guard for JavaScript callers.
    expect(() => createVerifier({ ...base, algorithms: ['HS256'] })).toThrow(
      /verify with the public key/,
    );
  });

  it('explains a missing WebCrypto (an insecure http:// page)', () => {
    vi.stubGlobal('crypto', {});
    expect(() => createVerifier(base)).toThrow(/secure contexts/);
  });

  it('accepts null issuer and audience, durations as strings, and memo: false', () => {
    expect(() =>
      createVerifier({
        ...base,
        issuer: null,
        audience: null,
        leeway: '30s',
        maxTokenAge: '1h',
        memo: false,
      }),
    ).not.toThrow();
  });
});

describe('the options table: every TypeError names the function that was called', () => {
  const issuer = 'https://idp.test';
  const fronts: [string, (extra: Record<string, unknown>) => unknown][] = [
    ['createVerifier', (extra) => createVerifier({ ...base, ...extra } as VerifierOptions)],
    [
      'createMultiIssuerVerifier',
      (extra) =>
        createMultiIssuerVerifier({ issuers: [{ issuer, keys }], audience: 'spa', ...extra }),
    ],
    [
      'createIdTokenVerifier',
      (extra) => createIdTokenVerifier({ issuer, clientId: 'spa', keys, ...extra }),
    ],
    [
      'createAccessTokenVerifier',
      (extra) => createAccessTokenVerifier({ issuer, audience: 'api', keys, ...extra }),
    ],
    [
      'createLogoutTokenVerifier',
      (extra) => createLogoutTokenVerifier({ issuer, clientId: 'spa', keys, ...extra }),
    ],
  ];

  it.each(fronts)('%s: a misspelt option gets "did you mean"', (name, make) => {
    expect(() => make({ leway: 5 })).toThrow(
      new TypeError(`${name}: unknown option "leway" (did you mean "leeway"?)`),
    );
  });

  it.each(fronts)('%s: a bad value of a core option names it', (name, make) => {
    expect(() => make({ leeway: -1 })).toThrow(
      new TypeError(`${name}: leeway must not be negative`),
    );
    expect(() => make({ clock: 5 })).toThrow(
      new TypeError(`${name}: clock must be a function returning milliseconds`),
    );
  });

  it("names the entry of several issuers, without rewriting another function's message", () => {
    expect(() =>
      createMultiIssuerVerifier({
        issuers: [{ issuer, keys, algorithms: ['RS1' as never] }],
        audience: null,
      }),
    ).toThrow(/^createMultiIssuerVerifier: issuers\[0\] \(https:\/\/idp.test\): algorithm "RS1"/);
    expect(() =>
      createMultiIssuerVerifier({
        issuers: [{ issuer, keys, audiense: 'x' } as never],
        audience: null,
      }),
    ).toThrow(
      'createMultiIssuerVerifier: issuers[0]: unknown option "audiense" (did you mean "audience"?)',
    );
  });

  it('takes crypto on every front', () => {
    for (const [, make] of fronts) expect(() => make({ crypto: {} })).toThrow(/"crypto" must be/);
  });
});
