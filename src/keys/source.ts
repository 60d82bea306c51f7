import type { KyInstance } from 'ky';
import { toSeconds, type Duration } from '../duration.js';
import type { FetchPolicy } from '../http/fetch-keys.js';
import type { SourceMeta } from '../stores/types.js';

/** Options of every remote key source (`jwks`, `discovery`, `pem(url)`). */
export interface RemoteSourceOptions {
  /** Bound on the whole fetch, retries and body included. @default 5 (seconds) */
  timeout?: Duration;
  /** Retries on network errors, 408, 429 and 5xx, with backoff. @default 2 */
  retry?: number;
  /** Extra request headers (an API key for a private JWKS endpoint). */
  headers?: Record<string, string>;
  /** An unknown `kid` refetches at most once per this long. @default 30 (seconds) */
  cooldown?: Duration;
  /** Freshness when the response has no `Cache-Control: max-age`. @default 600 (seconds) */
  maxAge?: Duration;
  /** How long past freshness a cached set may serve while the key server fails. @default 86400 (seconds) */
  maxStale?: Duration;
  /** The ky instance to fetch with (for proxies, instrumentation, a custom `fetch`). */
  ky?: KyInstance;
}

/** Freshness rules of a remote source, in milliseconds. */
export interface CachePolicy {
  cooldownMs: number;
  maxAgeMs: number;
  maxStaleMs: number;
}

/** What the key cache asks of a source: fetch now, conditionally on the ETag it holds. */
export interface LoadRequest {
  etag?: string | undefined;
  bypassCache: boolean;
  now: () => number;
  /** Told of every key-server answer with a `Date` header (clock-skew estimates). */
  onDate?: ((date: string, sentAt: number, receivedAt: number) => void) | undefined;
}

export type LoadResult =
  | { notModified: true; maxAgeSeconds: number | undefined }
  | {
      notModified: false;
      keys: unknown;
      maxAgeSeconds: number | undefined;
      etag: string | undefined;
      meta?: SourceMeta;
    };

/** @internal How a source loads keys; not part of the public API. */
export interface SourceLoader {
  /** Present on sources that fetch; absent on inline keys, which never expire. */
  readonly remote: { fetch: FetchPolicy; cache: CachePolicy } | undefined;
  load(request: LoadRequest): Promise<LoadResult>;
}

export const LOADER: unique symbol = Symbol.for('tokenward.keySource') as never;

/**
 * Where a verifier's public keys come from: made by `jwks()`, `discovery()`, `pem()` or
 * `localJwks()`. Pass it as `keys` to `createVerifier`.
 */
export interface KeySource {
  readonly kind: 'jwks' | 'discovery' | 'pem' | 'local';
  /** A stable name for this source; the key of its entry in a `KeyStore`. */
  readonly id: string;
  /** For `discovery()`: the issuer the document must name. */
  readonly issuer?: string;
  /** @internal */
  readonly [LOADER]: SourceLoader;
}

/**
 * What `discovery()` returns: a key source that names its issuer, so `createVerifier` may take
 * `iss` from it and `issuer` becomes optional.
 */
export interface DiscoveryKeySource extends KeySource {
  readonly kind: 'discovery';
  readonly issuer: string;
}

export function isKeySource(value: unknown): value is KeySource {
  return typeof value === 'object' && value !== null && LOADER in value;
}

const REMOTE_OPTIONS = new Set([
  'timeout',
  'retry',
  'headers',
  'cooldown',
  'maxAge',
  'maxStale',
  'ky',
]);

/** Checks remote options (TypeError at once) and applies the documented defaults. */
export function remotePolicy(
  options: RemoteSourceOptions,
  factory: string,
): { fetch: FetchPolicy; cache: CachePolicy } {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`${factory}: options must be an object`);
  for (const name of Object.keys(options)) {
    if (!REMOTE_OPTIONS.has(name)) throw new TypeError(`${factory}: unknown option "${name}"`);
  }
  const retry = options.retry ?? 2;
  if (!Number.isInteger(retry) || retry < 0 || retry > 10) {
    throw new TypeError(`${factory}: retry must be a whole number from 0 to 10`);
  }
  const timeout = toSeconds(options.timeout ?? 5, `${factory}: timeout`);
  if (timeout <= 0 || timeout > 300)
    throw new TypeError(`${factory}: timeout must be above 0 and at most 300 seconds`);
  if (
    options.headers !== undefined &&
    (typeof options.headers !== 'object' || options.headers === null)
  ) {
    throw new TypeError(`${factory}: headers must be an object of strings`);
  }
  return {
    fetch: { timeoutMs: timeout * 1000, retry, headers: { ...options.headers }, ky: options.ky },
    cache: {
      cooldownMs: toSeconds(options.cooldown ?? 30, `${factory}: cooldown`) * 1000,
      maxAgeMs: toSeconds(options.maxAge ?? 600, `${factory}: maxAge`) * 1000,
      maxStaleMs: toSeconds(options.maxStale ?? 86400, `${factory}: maxStale`) * 1000,
    },
  };
}

/** Resolves a URL option: absolute, or relative to the page in a browser. */
export function toUrl(value: string | URL, factory: string): URL {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  try {
    const url = new URL(value, base);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url;
  } catch {
    // fall through to the explanation below
  }
  throw new TypeError(
    `${factory}: ${JSON.stringify(String(value))} is not an http(s) URL` +
      (base === undefined ? ' (outside a browser, URLs must be absolute)' : ''),
  );
}
