import { describe, expect, it } from 'vitest';
import { isVerificationError, localJwks, type VerificationError } from '../../../src/index.js';
import { resolveIssuers } from '../../../src/verifiers/issuers/options.js';
import {
  checkRoutedClaims,
  issuerRouter,
  unverifiedIssuer,
} from '../../../src/verifiers/issuers/router.js';
import { b64url } from '../../helpers/keys.js';

const keys = localJwks({ keys: [] });
const GUID = '5f1c2a3b-0d4e-4f60-8a7b-9c0d1e2f3a4b';
const { entries } = resolveIssuers({
  issuers: [
    { issuer: 'https://acme.eu.auth0.com/', keys },
    { issuer: 'https://login.example.com', keys },
    { issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0', keys },
    { issuer: 'https://sts.windows.net/{tenantid}/', keys, tenants: [GUID, 'contoso'] },
    // Overlaps the Entra template for one iss: the exact entry wins.
    { issuer: 'https://login.microsoftonline.com/common/v2.0', keys },
  ],
  audience: 'api',
});
const router = issuerRouter(entries);

function refusalOf(run: () => unknown): VerificationError {
  try {
    run();
  } catch (error) {
    if (isVerificationError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}
const codeAndClaim = (run: () => unknown) => {
  const { code, claim } = refusalOf(run);
  return [code, claim];
};

describe('issuerRouter: exact issuers', () => {
  it('routes an exact iss to its entry', () => {
    expect(router.route('https://acme.eu.auth0.com/').entry).toBe(entries[0]);
    expect(router.route('https://login.example.com')).toEqual({
      entry: entries[1],
      iss: 'https://login.example.com',
      tenant: undefined,
    });
  });

  it.each([
    ['a missing trailing slash', 'https://acme.eu.auth0.com'],
    ['an added trailing slash', 'https://login.example.com/'],
    ['another case', 'https://Login.Example.com'],
    ['a longer iss', 'https://login.example.com.evil.test'],
    ['a prefix', 'https://login.example'],
    ['an empty iss', ''],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['toString', 'toString'],
    ['hasOwnProperty', 'hasOwnProperty'],
  ])('refuses %s with ERR_CLAIM_INVALID (iss)', (_what, iss) => {
    expect(codeAndClaim(() => router.route(iss))).toEqual(['ERR_CLAIM_INVALID', 'iss']);
  });

  it('refuses a missing iss as ERR_CLAIM_MISSING and a non-string one as ERR_CLAIM_INVALID', () => {
    expect(codeAndClaim(() => router.route(undefined))).toEqual(['ERR_CLAIM_MISSING', 'iss']);
    for (const iss of [null, 42, ['https://login.example.com'], { iss: 'x' }])
      expect(codeAndClaim(() => router.route(iss))).toEqual(['ERR_CLAIM_INVALID', 'iss']);
  });

  it('quotes a long iss only in part', () => {
    const { message } = refusalOf(() => router.route(`https://x.test/${'a'.repeat(5000)}`));
    expect(message.length).toBeLessThan(400);
  });
});

describe('issuerRouter: {tenantid} templates', () => {
  it('routes a GUID or a short tenant id, keeping its case', () => {
    const iss = `https://login.microsoftonline.com/${GUID}/v2.0`;
    expect(router.route(iss)).toEqual({ entry: entries[2], iss, tenant: GUID });
    const upper = `https://login.microsoftonline.com/${GUID.toUpperCase()}/v2.0`;
    expect(router.route(upper).tenant).toBe(GUID.toUpperCase());
    expect(router.route('https://login.microsoftonline.com/contoso/v2.0').tenant).toBe('contoso');
  });

  it('prefers an exact issuer over a template that also matches', () => {
    expect(router.route('https://login.microsoftonline.com/common/v2.0').entry).toBe(entries[4]);
  });

  it.each([
    ['..', 'https://login.microsoftonline.com/../v2.0'],
    ['an encoded ..', 'https://login.microsoftonline.com/%2e%2e/v2.0'],
    ['an encoded slash', `https://login.microsoftonline.com/${GUID}%2Fx/v2.0`],
    ['two segments', `https://login.microsoftonline.com/${GUID}/x/v2.0`],
    ['a trailing slash', `https://login.microsoftonline.com/${GUID}/v2.0/`],
    ['a missing trailing slash', `https://sts.windows.net/${GUID}`],
    ['the template itself', 'https://login.microsoftonline.com/{tenantid}/v2.0'],
    ['an upper-case host', `https://LOGIN.microsoftonline.com/${GUID}/v2.0`],
    ['a prefix before', `https://evil.test/?https://login.microsoftonline.com/${GUID}/v2.0`],
  ])('refuses %s', (_what, iss) => {
    expect(codeAndClaim(() => router.route(iss))).toEqual(['ERR_CLAIM_INVALID', 'iss']);
  });

  it('holds a template to its tenants, exactly (case included)', () => {
    expect(router.route(`https://sts.windows.net/${GUID}/`).tenant).toBe(GUID);
    expect(router.route('https://sts.windows.net/contoso/').tenant).toBe('contoso');
    for (const tenant of ['fabrikam', 'Contoso', GUID.toUpperCase()]) {
      const error = refusalOf(() => router.route(`https://sts.windows.net/${tenant}/`));
      expect([error.code, error.claim]).toEqual(['ERR_CLAIM_INVALID', 'iss']);
      expect(error.message).toMatch(/outside "tenants"/);
    }
  });
});

describe('checkRoutedClaims: the verified tid is the routed tenant', () => {
  const iss = `https://login.microsoftonline.com/${GUID}/v2.0`;
  const route = router.route(iss);

  it('accepts the same tid, refuses another or none', () => {
    expect(() => checkRoutedClaims(route, { iss, tid: GUID })).not.toThrow();
    expect(codeAndClaim(() => checkRoutedClaims(route, { iss }))).toEqual([
      'ERR_CLAIM_MISSING',
      'tid',
    ]);
    for (const tid of [GUID.toUpperCase(), 'contoso', 42, [GUID]])
      expect(codeAndClaim(() => checkRoutedClaims(route, { iss, tid }))).toEqual([
        'ERR_CLAIM_INVALID',
        'tid',
      ]);
  });

  it('asks nothing of tid for an exact issuer, and holds iss to the routed one', () => {
    const exact = router.route('https://login.example.com');
    expect(() => checkRoutedClaims(exact, { iss: 'https://login.example.com' })).not.toThrow();
    expect(codeAndClaim(() => checkRoutedClaims(exact, { iss: 'https://other.test' }))).toEqual([
      'ERR_CLAIM_INVALID',
      'iss',
    ]);
  });
});

describe('unverifiedIssuer', () => {
  it('reads iss from an unverified token', () => {
    const token = `${b64url({ alg: 'RS256' })}.${b64url({ iss: 'https://a.test' })}.c2ln`;
    expect(unverifiedIssuer(token)).toBe('https://a.test');
    expect(unverifiedIssuer(`${b64url({ alg: 'RS256' })}.${b64url({})}.c2ln`)).toBeUndefined();
  });

  it('refuses a malformed token as ERR_TOKEN_MALFORMED', () => {
    for (const token of ['', 'a.b', 42, `${b64url({ alg: 'RS256' })}.${b64url([1])}.c2ln`])
      expect(refusalOf(() => unverifiedIssuer(token)).code).toBe('ERR_TOKEN_MALFORMED');
  });
});
