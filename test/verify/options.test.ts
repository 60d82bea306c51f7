import { afterEach, describe, expect, it, vi } from 'vitest';
import { createVerifier, localJwks, type VerifierOptions } from '../../src/index.js';

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
