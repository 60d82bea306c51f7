import { describe, expect, it } from 'vitest';
import { isTenantId, issuerTemplate, tenantOf } from '../../src/lib/issuer-template.js';

const GUID = '5f1c2a3b-0d4e-4f60-8a7b-9c0d1e2f3a4b';
const ENTRA = 'https://login.microsoftonline.com/{tenantid}/v2.0';

describe('isTenantId: a GUID or 1 to 64 of A-Z a-z 0-9 -', () => {
  it.each([GUID, GUID.toUpperCase(), 'contoso', 'a', 'acme-eu-1', 'x'.repeat(64)])(
    'accepts %s',
    (id) => expect(isTenantId(id)).toBe(true),
  );

  it.each([
    '',
    'x'.repeat(65),
    '..',
    '.',
    'a.b',
    'a/b',
    '%2e%2e',
    '%2F',
    'a b',
    'a?b',
    'a#b',
    'tenant_1',
    'a\\b',
    'ténant',
    '{tenantid}',
  ])('refuses %j', (id) => expect(isTenantId(id)).toBe(false));

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 42, ['a'], { toString: () => 'a' }])
      expect(isTenantId(value)).toBe(false);
  });
});

describe('issuerTemplate: one {tenantid}, a whole path segment of an http(s) URL', () => {
  it.each([
    [ENTRA, 'https://login.microsoftonline.com/', '/v2.0'],
    ['https://sts.windows.net/{tenantid}/', 'https://sts.windows.net/', '/'],
    ['https://idp.test/{tenantid}', 'https://idp.test/', ''],
    ['https://idp.test/a/b/{tenantid}/c/d', 'https://idp.test/a/b/', '/c/d'],
    ['http://127.0.0.1:8080/{tenantid}/v2.0', 'http://127.0.0.1:8080/', '/v2.0'],
  ])('splits %s', (issuer, prefix, suffix) => {
    expect(issuerTemplate(issuer)).toEqual({ prefix, suffix });
  });

  it.each([
    ['no placeholder', 'https://idp.test/tenant/v2.0'],
    ['two placeholders', 'https://idp.test/{tenantid}/{tenantid}'],
    ['in the host', 'https://{tenantid}.b2clogin.com/v2.0'],
    ['inside a segment', 'https://idp.test/t-{tenantid}/v2.0'],
    ['followed by text in its segment', 'https://idp.test/{tenantid}x/v2.0'],
    ['in the query', 'https://idp.test/v2.0?tenant={tenantid}'],
    ['in the fragment', 'https://idp.test/v2.0#{tenantid}'],
    ['upper case', 'https://idp.test/{TenantId}/v2.0'],
    ['another placeholder', 'https://idp.test/{tenantid}/{region}'],
    ['not a URL', '{tenantid}'],
    ['another scheme', 'urn:{tenantid}'],
    ['an empty host', 'https:///{tenantid}'],
    ['an empty segment before', 'https://idp.test//{tenantid}'],
  ])('refuses one %s', (_what, issuer) => expect(issuerTemplate(issuer)).toBeUndefined());
});

describe('tenantOf: anchored at both ends, exactly one tenant-id segment', () => {
  const entra = issuerTemplate(ENTRA)!;
  const sts = issuerTemplate('https://sts.windows.net/{tenantid}/')!;

  it('reads the tenant of a matching iss, GUID or short id, case kept', () => {
    expect(tenantOf(entra, `https://login.microsoftonline.com/${GUID}/v2.0`)).toBe(GUID);
    expect(tenantOf(entra, 'https://login.microsoftonline.com/contoso/v2.0')).toBe('contoso');
    expect(tenantOf(entra, `https://login.microsoftonline.com/${GUID.toUpperCase()}/v2.0`)).toBe(
      GUID.toUpperCase(),
    );
  });

  it.each([
    ['a longer prefix', `https://evil.test/https://login.microsoftonline.com/${GUID}/v2.0`],
    ['a longer suffix', `https://login.microsoftonline.com/${GUID}/v2.0/evil`],
    ['a query after', `https://login.microsoftonline.com/${GUID}/v2.0?x=1`],
    ['a host suffix', `https://login.microsoftonline.com.evil.test/${GUID}/v2.0`],
    ['two segments', `https://login.microsoftonline.com/${GUID}/x/v2.0`],
    ['a slash inside', 'https://login.microsoftonline.com/a/b/v2.0'],
    ['..', 'https://login.microsoftonline.com/../v2.0'],
    ['.', 'https://login.microsoftonline.com/./v2.0'],
    ['an encoded ..', 'https://login.microsoftonline.com/%2e%2e/v2.0'],
    ['an encoded slash', 'https://login.microsoftonline.com/a%2Fb/v2.0'],
    ['an empty tenant', 'https://login.microsoftonline.com//v2.0'],
    ['a tenant of 65', `https://login.microsoftonline.com/${'a'.repeat(65)}/v2.0`],
    ['another case in the prefix', `https://LOGIN.microsoftonline.com/${GUID}/v2.0`],
    ['another case in the suffix', `https://login.microsoftonline.com/${GUID}/V2.0`],
    ['a trailing slash added', `https://login.microsoftonline.com/${GUID}/v2.0/`],
    ['the template itself', ENTRA],
    ['the prefix alone', 'https://login.microsoftonline.com/'],
  ])('refuses %s', (_what, iss) => expect(tenantOf(entra, iss)).toBeUndefined());

  it('holds a trailing-slash template to its trailing slash', () => {
    expect(tenantOf(sts, `https://sts.windows.net/${GUID}/`)).toBe(GUID);
    expect(tenantOf(sts, `https://sts.windows.net/${GUID}`)).toBeUndefined();
    expect(tenantOf(sts, `https://sts.windows.net/${GUID}//`)).toBeUndefined();
  });
});
