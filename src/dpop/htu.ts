// RFC 3986 §2 and Appendix A, for http(s) URIs with an authority (RFC 9110 §4.2).
const PCT = '%[0-9A-Fa-f]{2}';
const SUB_DELIMS = "!$&'()*+,;=";
const UNRESERVED = 'A-Za-z0-9\\-._~';
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})`;
const REG_NAME = `(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT})*`;
const IP_LITERAL = '\\[[0-9A-Fa-f:.]+\\]';
// No userinfo: RFC 9110 §4.2.4 forbids it in a target URI, so no request can match one.
const HTTP_URI = new RegExp(
  `^([A-Za-z][A-Za-z0-9+.-]*)://(${IP_LITERAL}|${REG_NAME})(?::([0-9]*))?` +
    `((?:/${PCHAR}*)*)(?:\\?(?:${PCHAR}|[/?])*)?(?:#(?:${PCHAR}|[/?])*)?$`,
);
const DEFAULT_PORT = new Map([
  ['http', '80'],
  ['https', '443'],
]);
const ANY_PCT = /%([0-9A-Fa-f]{2})/g;
const UNRESERVED_CHAR = new RegExp(`^[${UNRESERVED}]$`);
// What the WHATWG serializer leaves in a path that RFC 3986 does not allow there.
const NOT_PATH = new RegExp(`[^${UNRESERVED}${SUB_DELIMS}:@/%]|%(?![0-9A-Fa-f]{2})`, 'g');

/**
 * The normal form of a proof's `htu` (RFC 9449 §4.3 item 9): scheme, host, port and path, after
 * RFC 3986 §6.2.2 syntax-based and §6.2.3 scheme-based normalization and nothing else (case of
 * scheme and host, percent-encoding case, unreserved characters decoded, dot segments, default
 * port, empty path as `/`); query and fragment left out. Undefined for anything that is not an
 * RFC 3986 http(s) URI: the WHATWG parser would silently repair spaces, controls, backslashes,
 * missing or extra slashes and odd hosts, so it never sees a proof's `htu`.
 */
export function proofHtu(htu: string): string | undefined {
  const match = HTTP_URI.exec(htu);
  if (match === null) return undefined;
  const [, scheme = '', host = '', port = '', path = ''] = match;
  const lowerScheme = scheme.toLowerCase();
  const defaultPort = DEFAULT_PORT.get(lowerScheme);
  if (defaultPort === undefined || host === '') return undefined;
  const hostPart = normalizePercent(host, (text) => text.toLowerCase());
  const portPart = port === '' || port === defaultPort ? '' : `:${port}`;
  const pathPart = removeDotSegments(normalizePercent(path, (text) => text)) || '/';
  return `${lowerScheme}://${hostPart}${portPart}${pathPart}`;
}

/**
 * The `htu` of a request URL (a `Request`'s `url`, or what the app gives `dpop.proof`): parsed
 * as `fetch` parses it, userinfo, query and fragment left out, what the WHATWG serializer leaves
 * outside RFC 3986 percent-encoded, then in {@link proofHtu}'s normal form. Undefined for
 * anything but an absolute http(s) URL.
 */
export function htuOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  const path = parsed.pathname.replace(
    NOT_PATH,
    (char) =>
      // Only ASCII is left here: the serializer percent-encodes the rest as UTF-8.
      `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return proofHtu(`${parsed.origin}${path}`);
}

/** §6.2.2.1-2: hex digits uppercase, unreserved characters decoded; `other` for the rest. */
function normalizePercent(text: string, other: (text: string) => string): string {
  const parts = text.split(ANY_PCT);
  // split() with a capture group: even indexes are plain text, odd ones the hex digits.
  return parts
    .map((part, i) => {
      if (i % 2 === 0) return other(part);
      const char = String.fromCharCode(parseInt(part, 16));
      return UNRESERVED_CHAR.test(char) ? other(char) : `%${part.toUpperCase()}`;
    })
    .join('');
}

/** RFC 3986 §5.2.4, for a path that is empty or starts with "/". */
function removeDotSegments(path: string): string {
  const out: string[] = [];
  const segments = path.split('/').slice(1);
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '..') out.pop();
    if (segment === '.' || segment === '..') {
      if (last) out.push(''); // "/a/b/.." is "/a/", keeping the trailing slash
      return;
    }
    out.push(segment);
  });
  return out.length === 0 ? '' : `/${out.join('/')}`;
}
