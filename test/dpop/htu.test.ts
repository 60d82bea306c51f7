import { describe, expect, it } from 'vitest';
import { htuOf } from '../../src/dpop/htu.js';

describe('htuOf (RFC 9449 §4.3 item 9, RFC 3986 §6.2.2-6.2.3)', () => {
  it.each([
    ['https://api.example.com/a?q=1#f', 'https://api.example.com/a'],
    ['HTTPS://API.EXAMPLE.COM:443/a', 'https://api.example.com/a'],
    ['http://api.example.com:80', 'http://api.example.com/'],
    ['http://api.example.com:8080/x/../y/./z', 'http://api.example.com:8080/y/z'],
    ['https://api.example.com/%7euser/%2f%41', 'https://api.example.com/~user/%2FA'],
    ['https://user:pass@api.example.com/a', 'https://api.example.com/a'],
  ])('%s → %s', (url, htu) => expect(htuOf(url)).toBe(htu));

  it.each(['/relative', 'ftp://example.com/a', 'not a url', 'data:text/plain,x'])(
    'gives nothing for %s',
    (url) => expect(htuOf(url)).toBeUndefined(),
  );
});
