// RFC 3986 §2.3: unreserved characters, which percent-encoding must not change the meaning of.
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * The `htu` form of a URL (RFC 9449 §4.2, §4.3 item 9): scheme, host, port and path, without
 * query and fragment, after RFC 3986 §6.2.2 syntax-based and §6.2.3 scheme-based normalization.
 * WHATWG URL parsing already lowercases scheme and host, drops the default port, gives an empty
 * path as `/` and removes dot segments; the percent-encodings are normalized here (§6.2.2.1
 * uppercase hex, §6.2.2.2 unreserved characters decoded). Userinfo is never part of it.
 * Returns undefined for anything but an absolute http(s) URL.
 */
export function htuOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  const path = parsed.pathname.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
  return `${parsed.origin}${path}`;
}
