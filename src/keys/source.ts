import { toSeconds, type Duration } from '../lib/duration.js';
import type { SourceMeta } from '../stores/types.js';
import type { CachePolicy, FetchLike, FetchPolicy, KeyResponse } from './policy.js';

/**
 * A ky instance, as far as key fetching needs one: callable with a URL and options. Typed here
 * rather than imported, so the main entry carries no ky code or types.
 */
export type KyLike = (input: string, options: Record<string, unknown>) => PromiseLike<Response>;

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
  /** Any fetch-compatible function to fetch keys with. @default globalThis.fetch */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** A ky instance to fetch keys with (its hooks and options apply; tokenward does the retries). */
  ky?: KyLike;
}

/** What a remote source reads: where its keys are, and how to read them out of the answer. */
export interface RemoteKeys {
  readonly fetch: FetchPolicy;
  readonly cache: CachePolicy;
  readonly accept: string;
  /** Where the key document is now; discovery reads another document to find it. */
  locate(read: ReadDocument): Promise<{ url: string; meta?: SourceMeta }>;
  /** The key entries (JWK objects, unscreened) in an answer from `url`. */
  parse(response: KeyResponse, url: string): Promise<unknown>;
}

/** Reads one more document with the source's fetch policy (for discovery). */
export type ReadDocument = (url: string, accept: string) => Promise<KeyResponse>;

/** @internal How a source gives keys: a description to fetch, or keys given inline. */
export type SourceLoader =
  | { readonly remote: RemoteKeys; readonly inline?: undefined }
  | { readonly remote?: undefined; readonly inline: () => Promise<unknown> };

export const LOADER: unique symbol = Symbol.for('tokenward.keySource') as never;

/**
 * Where a verifier's public keys come from: made by `jwks()`, `discovery()`, `pem()` or
 * `localJwks()`. Pass it as `keys` to `createVerifier`.
 */
export interface KeySource {
  /** Which factory made it. */
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
  /** Always `discovery`. */
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
  'fetch',
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
    fetch: {
      timeoutMs: timeout * 1000,
      retry,
      headers: { ...options.headers },
      fetch: fetchOption(options, factory),
    },
    cache: {
      cooldownMs: toSeconds(options.cooldown ?? 30, `${factory}: cooldown`) * 1000,
      maxAgeMs: toSeconds(options.maxAge ?? 600, `${factory}: maxAge`) * 1000,
      maxStaleMs: toSeconds(options.maxStale ?? 86400, `${factory}: maxStale`) * 1000,
    },
  };
}

function fetchOption(options: RemoteSourceOptions, factory: string): FetchLike | undefined {
  const { fetch, ky } = options;
  if (fetch !== undefined && ky !== undefined)
    throw new TypeError(`${factory}: pass "fetch" or "ky", not both`);
  if (fetch !== undefined && typeof fetch !== 'function')
    throw new TypeError(`${factory}: fetch must be a fetch-compatible function`);
  if (ky === undefined) return fetch;
  if (typeof ky !== 'function') throw new TypeError(`${factory}: ky must be a ky instance`);
  // The user's ky sends the request (its hooks, headers and proxying apply); tokenward keeps
  // its own retries, deadline and status handling, so ky's are turned off.
  return (input, init) =>
    Promise.resolve(ky(input, { ...init, retry: 0, timeout: false, throwHttpErrors: false }));
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
