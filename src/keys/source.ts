import { toSeconds, type Duration } from '../lib/duration.js';
import { functionRow, readTable, type OptionRow } from '../lib/options.js';
import { MAX_STALE } from '../stores/options.js';
import type { SignedMeta, SourceMeta } from '../stores/types.js';
import type { SignatureProvider } from '../crypto/provider.js';
import { readPins } from './pins.js';
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
  /**
   * The RFC 7638 SHA-256 thumbprints (base64url) of the only keys to use: a fetched or stored
   * key not listed is never used; a set holding none is refused like a failed fetch.
   */
  pins?: string[];
  /**
   * Allow plain `http:` to a host that is not loopback without pins or a signed set: anyone on
   * the network path can then swap the keys. @default false
   */
  insecure?: boolean;
}

/** What a remote source reads: where its keys are, and how to read them out of the answer. */
export interface RemoteKeys {
  readonly fetch: FetchPolicy;
  readonly cache: CachePolicy;
  readonly accept: string;
  /** Where the key document is now; discovery reads another document to find it. */
  locate(read: ReadDocument): Promise<{ url: string; meta?: SourceMeta }>;
  /** The key entries (JWK objects, unscreened) in an answer from `url`; `signed` reads instead. */
  parse?(response: KeyResponse, url: string): Promise<unknown>;
  /** The only keys to use, by thumbprint (`pins`). */
  readonly pins?: ReadonlySet<string> | undefined;
  /** For `signedJwks`: reads and verifies the signed set, replacing `parse`. */
  readonly signed?: SignedSetReader | undefined;
}

/** A signed key set's keys (unscreened) and what is kept of the JWS they came in. */
export interface SignedSet {
  entries: unknown;
  signed: SignedMeta;
}

/**
 * Verifies a signed key set (the compact JWS text) with the verifier's provider; throws to refuse
 * it. `contentType` is the answer's, or undefined for a set read back from a store.
 */
export type SignedSetReader = (
  jws: string,
  contentType: string | undefined,
  url: string,
  provider: SignatureProvider,
) => Promise<SignedSet>;

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
  readonly kind: 'jwks' | 'discovery' | 'pem' | 'local' | 'signed-jwks';
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

const seconds = (fallback: number, atMost?: number): OptionRow<number> => ({
  default: fallback,
  check(value, caller, name) {
    const checked = toSeconds(value, `${caller}: ${name}`);
    if (atMost !== undefined && (checked <= 0 || checked > atMost))
      throw new TypeError(`${caller}: ${name} must be above 0 and at most ${atMost} seconds`);
    return checked;
  },
});

/** The options of every remote source: a row each, with its default written once. */
const REMOTE_OPTIONS = {
  pins: {
    check: (value, caller) => readPins(value, caller)!,
  } satisfies OptionRow<ReadonlySet<string>>,
  insecure: {
    default: false,
    check(value, caller) {
      if (typeof value !== 'boolean')
        throw new TypeError(`${caller}: insecure must be true or false`);
      return value;
    },
  } satisfies OptionRow<boolean>,
  timeout: seconds(5, 300),
  retry: {
    default: 2,
    check(value, caller) {
      if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 10)
        throw new TypeError(`${caller}: retry must be a whole number from 0 to 10`);
      return value as number;
    },
  } satisfies OptionRow<number>,
  headers: {
    check(value, caller) {
      if (typeof value !== 'object' || value === null)
        throw new TypeError(`${caller}: headers must be an object of strings`);
      return value as Record<string, string>;
    },
  } satisfies OptionRow<Record<string, string>>,
  cooldown: seconds(30),
  maxAge: seconds(600),
  maxStale: MAX_STALE,
  fetch: functionRow<FetchLike>('a fetch-compatible function'),
  ky: functionRow<KyLike>('a ky instance'),
};

/** A remote source's checked options: how it fetches, caches, and trusts what it fetches. */
export interface RemotePolicy {
  fetch: FetchPolicy;
  cache: CachePolicy;
  /** The only keys to use, by thumbprint (`pins`). */
  pins: ReadonlySet<string> | undefined;
  /** `insecure: true`: plain http to another host was accepted without pins. */
  insecure: boolean;
}

/** Checks remote options (TypeError at once) and applies the documented defaults. */
export function remotePolicy(options: RemoteSourceOptions, factory: string): RemotePolicy {
  const read = readTable(options, REMOTE_OPTIONS, factory);
  return {
    pins: read.pins,
    insecure: read.insecure!,
    fetch: {
      timeoutMs: read.timeout! * 1000,
      retry: read.retry!,
      headers: { ...read.headers },
      fetch: fetchOption(read.fetch, read.ky, factory),
    },
    cache: {
      cooldownMs: read.cooldown! * 1000,
      maxAgeMs: read.maxAge! * 1000,
      maxStaleMs: read.maxStale! * 1000,
    },
  };
}

function fetchOption(
  fetch: FetchLike | undefined,
  ky: KyLike | undefined,
  factory: string,
): FetchLike | undefined {
  if (fetch !== undefined && ky !== undefined)
    throw new TypeError(`${factory}: pass "fetch" or "ky", not both`);
  if (ky === undefined) return fetch;
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
