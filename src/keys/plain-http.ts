import { fetchFailed } from '../lib/map-error.js';

/** Whether a URL's host is loopback: `localhost`, 127.0.0.0/8 or `[::1]` (never leaves the machine). */
export function isLoopback(url: URL): boolean {
  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Whether keys from `url` cross a network unprotected: plain `http:` to a non-loopback host. */
export function isExposed(url: URL): boolean {
  return url.protocol === 'http:' && !isLoopback(url);
}

/**
 * The plain-http rule at creation: keys over plain `http:` to another machine are whatever
 * anyone on the path sends, so they need `pins`, a signed set, or an explicit `insecure: true`.
 */
export function assertProtected(url: URL, guarded: boolean, factory: string): void {
  if (!guarded && isExposed(url))
    throw new TypeError(
      `${factory}: ${url.origin} is plain http to a host that is not loopback, so anyone on the ` +
        'network path can swap the keys. Use https, pin the keys (pins), use signedJwks(), ' +
        'or say insecure: true to accept that risk.',
    );
}

/** The plain-http rule at run time, for a `jwks_uri` a discovery document names. */
export function refuseExposed(url: URL, guarded: boolean, documentUrl: string): void {
  if (!guarded && isExposed(url))
    throw fetchFailed(
      url.href,
      `the discovery document at ${documentUrl} names plain-http keys on a host that is not ` +
        'loopback; not fetched. Serve them over https, or pass pins (or insecure: true)',
    );
}
