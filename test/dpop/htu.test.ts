import { describe, expect, it } from 'vitest';
import { htuOf, proofHtu } from '../../src/dpop/htu.js';

describe('htuOf: a request URL as fetch parses it (RFC 9449 §4.3 item 9, RFC 3986 §6.2.2-6.2.3)', () => {
  it.each([
    ['https://api.example.com/a?q=1#f', 'https://api.example.com/a'],
    ['HTTPS://API.EXAMPLE.COM:443/a', 'https://api.example.com/a'],
    ['http://api.example.com:80', 'http://api.example.com/'],
    ['http://api.example.com:8080/x/../y/./z', 'http://api.example.com:8080/y/z'],
    ['https://api.example.com/%7euser/%2f%41', 'https://api.example.com/~user/%2FA'],
    ['https://user:pass@api.example.com/a', 'https://api.example.com/a'],
    // Left as they are by the WHATWG serializer, outside RFC 3986: percent-encoded.
    ['https://api.example.com/a|b^c[d]', 'https://api.example.com/a%7Cb%5Ec%5Bd%5D'],
    ['https://api.example.com/100%', 'https://api.example.com/100%25'],
    ['https://[::1]:8443/a', 'https://[::1]:8443/a'],
  ])('%s → %s', (url, htu) => expect(htuOf(url)).toBe(htu));

  it.each(['/relative', 'ftp://example.com/a', 'not a url', 'data:text/plain,x'])(
    'gives nothing for %s',
    (url) => expect(htuOf(url)).toBeUndefined(),
  );

  it('gives an htu that proofHtu reads back unchanged, for every URL it accepts', () => {
    for (const url of ['https://api.example.com/a|b', 'https://a.test/%zz/é', 'http://a.test']) {
      const htu = htuOf(url)!;
      expect(proofHtu(htu)).toBe(htu);
    }
  });
});

describe("proofHtu: a proof's htu, read as RFC 3986 writes URIs", () => {
  it.each([
    ['https://api.example.com/a', 'https://api.example.com/a'],
    ['HTTPS://API.Example.COM:443/a/./b/../%7euser%2f', 'https://api.example.com/a/~user%2F'],
    ['https://api.example.com:/a', 'https://api.example.com/a'],
    ['https://api.example.com', 'https://api.example.com/'],
    ['https://api.example.com/a/b/..', 'https://api.example.com/a/'],
    ['https://api.example.com/a/%2e%2E/b', 'https://api.example.com/b'],
    ['https://%41PI.example.com/a', 'https://api.example.com/a'],
    ['http://api.example.com:8080/a?x=1#y', 'http://api.example.com:8080/a'],
    ['https://[::1]/a', 'https://[::1]/a'],
  ])('%s → %s', (htu, normal) => expect(proofHtu(htu)).toBe(normal));

  // Each of these the WHATWG parser turns into https://api.test/resource (or close to it).
  it.each([
    ['backslashes', 'https:\\\\api.test\\resource'],
    ['a leading space', ' https://api.test/resource'],
    ['a trailing newline', 'https://api.test/resource\n'],
    ['a tab inside', 'https://api.te\tst/resource'],
    ['a space in the path', 'https://api.test/re source'],
    ['a control character', 'https://api.test/\u0000resource'],
    ['no slashes', 'https:api.test/resource'],
    ['one slash', 'https:/api.test/resource'],
    ['three slashes', 'https:///api.test/resource'],
    ['a backslash in the path', 'https://api.test/a\\resource'],
    ['non-ASCII', 'https://api.test/résource'],
    ['a bad percent-encoding', 'https://api.test/%zzresource'],
    ['userinfo', 'https://user@api.test/resource'],
    ['a port that is not a number', 'https://api.test:44x/resource'],
    ['an empty host', 'https:///resource'],
    ['another scheme', 'wss://api.test/resource'],
    ['a relative reference', '//api.test/resource'],
  ])('refuses %s', (_, htu) => expect(proofHtu(htu)).toBeUndefined());

  it('compares hosts and ports as written: no WHATWG number or IDNA rewriting', () => {
    expect(proofHtu('https://0x7f.1/a')).not.toBe(htuOf('https://127.0.0.1/a'));
    expect(proofHtu('https://api.test:0443/a')).not.toBe(htuOf('https://api.test/a'));
    expect(proofHtu('https://%C3%A9.test/a')).not.toBe(htuOf('https://é.test/a'));
  });
});
