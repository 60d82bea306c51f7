import { describe, expect, it } from 'vitest';
import {
  createMultiIssuerVerifier,
  createVerifier,
  jwks,
  localJwks,
  type SeveralIssuersOptions,
  type VerifierOptions,
} from '../../../src/index.js';
import { resolveIssuers } from '../../../src/verifiers/issuers/options.js';

const keys = localJwks({ keys: [] });
const TEMPLATE = 'https://login.microsoftonline.com/{tenantid}/v2.0';
const base: SeveralIssuersOptions = {
  issuers: [
    { issuer: 'https://a.test', keys },
    { issuer: TEMPLATE, keys, tenants: ['contoso'] },
  ],
  audience: 'api',
};
const create = (options: Record<string, unknown>) =>
  createMultiIssuerVerifier(options as unknown as SeveralIssuersOptions);

describe('createMultiIssuerVerifier({ issuers }): configuration mistakes throw a TypeError at once', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['issuers with issuer', { issuer: 'https://a.test' }, /replaces "issuer" and "keys"/],
    ['issuers with keys', { keys }, /replaces "issuer" and "keys"/],
    ['an empty issuers', { issuers: [] }, /non-empty array/],
    ['issuers not an array', { issuers: { issuer: 'https://a.test' } }, /non-empty array/],
    ['an entry that is not an object', { issuers: ['https://a.test'] }, /issuers\[0\] must be/],
    ['an entry without issuer', { issuers: [{ keys }] }, /"issuer" must be/],
    ['an entry with an empty issuer', { issuers: [{ issuer: '', keys }] }, /"issuer" must be/],
    ['a template without keys', { issuers: [{ issuer: TEMPLATE }] }, /needs "keys"/],
    [
      'a misspelt placeholder',
      { issuers: [{ issuer: 'https://idp.test/{tenantId}/v2.0', keys }] },
      /exactly one "\{tenantid\}"/,
    ],
    [
      'a placeholder in the host',
      { issuers: [{ issuer: 'https://{tenantid}.idp.test/', keys }] },
      /whole\s+path segment/,
    ],
    [
      'tenants on an exact issuer',
      { issuers: [{ issuer: 'https://a.test', keys, tenants: ['x'] }] },
      /only to an issuer with \{tenantid\}/,
    ],
    ['empty tenants', { issuers: [{ issuer: TEMPLATE, keys, tenants: [] }] }, /tenant ids/],
    ['a tenant with a slash', { issuers: [{ issuer: TEMPLATE, keys, tenants: ['a/b'] }] }, /ids/],
    ['a tenant ..', { issuers: [{ issuer: TEMPLATE, keys, tenants: ['..'] }] }, /tenant ids/],
    [
      'a repeated issuer',
      {
        issuers: [
          { issuer: 'https://a.test', keys },
          { issuer: 'https://a.test', keys },
        ],
      },
      /issuers\[1\] repeats/,
    ],
    [
      'an unknown entry option',
      { issuers: [{ issuer: 'https://a.test', keys, aud: 'x' }] },
      /"aud"/,
    ],
    ['an entry clock', { issuers: [{ issuer: 'https://a.test', keys, clock: Date.now }] }, /clock/],
    ['an unknown option', { maxIssuer: 5 }, /unknown option "maxIssuer"/],
    ['maxIssuers 0', { maxIssuers: 0 }, /maxIssuers/],
    ['maxIssuers 1.5', { maxIssuers: 1.5 }, /maxIssuers/],
    ['maxIssuers as a string', { maxIssuers: '10' }, /maxIssuers/],
    [
      'no audience anywhere',
      { audience: undefined },
      /issuers\[0\] \(https:\/\/a.test\): "audience"/,
    ],
    [
      'an entry with HS256',
      { issuers: [{ issuer: 'https://a.test', keys, algorithms: ['HS256'] }] },
      /issuers\[0\].*HS256/,
    ],
    ['a shared negative leeway', { leeway: -1 }, /leeway/],
  ])('%s', (_what, change, message) => {
    expect(() => create({ ...base, ...change })).toThrow(TypeError);
    expect(() => create({ ...base, ...change })).toThrow(message);
  });

  it('refuses maxIssuers without issuers', () => {
    const single = { keys, issuer: 'https://a.test', audience: 'api', maxIssuers: 5 };
    expect(() => createVerifier(single as unknown as VerifierOptions)).toThrow(
      /createVerifier: "maxIssuers" belongs to createMultiIssuerVerifier/,
    );
  });
});

describe('resolveIssuers: shared options, per-entry overrides, defaults', () => {
  it('gives each entry the shared options unless it sets its own', () => {
    const { entries, maxIssuers } = resolveIssuers({
      issuers: [
        { issuer: 'https://a.test', keys },
        { issuer: 'https://b.test', keys, audience: 'b-api', leeway: 5 },
      ],
      audience: 'api',
      leeway: 1,
      typ: 'at+jwt',
    });
    expect(maxIssuers).toBe(100);
    expect(entries[0]!.options).toMatchObject({ audience: 'api', leeway: 1, typ: 'at+jwt' });
    expect(entries[1]!.options).toMatchObject({ audience: 'b-api', leeway: 5, typ: 'at+jwt' });
  });

  it('defaults keys to discovery(issuer) and shares one store between entries', () => {
    const { entries } = resolveIssuers({
      issuers: [
        { issuer: 'https://a.test/' },
        { issuer: 'https://b.test', keys: jwks('https://b.test/k') },
      ],
      audience: null,
    });
    expect(entries[0]!.options.keys.id).toBe('discovery:https://a.test/');
    expect(entries[1]!.options.keys.id).toBe('jwks:https://b.test/k');
    expect(entries[0]!.options.cache).toBeDefined();
    expect(entries[0]!.options.cache).toBe(entries[1]!.options.cache);
  });

  it('checks iss through the router for a template: its core takes issuer null', () => {
    const { entries } = resolveIssuers(base);
    expect(entries[0]!.options.issuer).toBe('https://a.test');
    expect(entries[1]!.options.issuer).toBeNull();
    expect(entries[1]!.template).toEqual({
      prefix: 'https://login.microsoftonline.com/',
      suffix: '/v2.0',
    });
    expect([...entries[1]!.tenants!]).toEqual(['contoso']);
  });

  it('accepts a tenant GUID in either case as given, and maxIssuers', () => {
    const guid = '5F1C2A3B-0D4E-4F60-8A7B-9C0D1E2F3A4B';
    const { maxIssuers, entries } = resolveIssuers({
      issuers: [{ issuer: TEMPLATE, keys, tenants: [guid, guid.toLowerCase()] }],
      audience: 'api',
      maxIssuers: 3,
    });
    expect(maxIssuers).toBe(3);
    expect(entries[0]!.tenants!.has(guid)).toBe(true);
  });
});
