import type { ClaimPolicy } from './claims.js';
import type { Algorithm } from '../crypto/algorithms.js';
import { defaultCrypto } from '../crypto/default.js';
import type { SignatureProvider } from '../crypto/provider.js';
import { toSeconds, type Duration } from '../lib/duration.js';
import { eventEmitter, type EmitEvent, type VerifierEvent } from '../lib/events.js';
import { isKeySource, type DiscoveryKeySource, type KeySource } from '../keys/source.js';
import { SUPPORTED_ALGORITHMS } from '../keys/select.js';
import { memoryStore } from '../stores/memory.js';
import type { KeyStore } from '../stores/types.js';

export type { Algorithm };

/**
 * Options of `createVerifier` for one issuer (for several, see `SeveralIssuersOptions`).
 * `keys`, `issuer` and `audience` are required; `issuer` may be left
 * out only with `discovery()`, whose issuer then becomes the default (the types enforce both,
 * and `createVerifier` checks again at run time for JavaScript callers).
 *
 * @example
 * createVerifier({ keys: jwks(url), issuer: 'https://idp.example.com', audience: 'my-spa' });
 * createVerifier({ keys: discovery('https://idp.example.com'), audience: 'my-spa' });
 */
export type VerifierOptions =
  | (VerifierOptionsBase & {
      /** Where the public keys come from: `jwks()`, `pem()` or `localJwks()`. */
      keys: KeySource;
      /** Accepted `iss` value(s). `null` skips the check explicitly. */
      issuer: string | string[] | null;
    })
  | (VerifierOptionsBase & {
      /** Keys found through OpenID Connect discovery. */
      keys: DiscoveryKeySource;
      /** Accepted `iss` value(s). @default the discovered issuer */
      issuer?: string | string[] | null;
    });

/** The options every `createVerifier` call takes, whatever its key source. */
export interface VerifierOptionsBase {
  /** `aud` must contain one of these. `null` skips the check explicitly. */
  audience: string | string[] | null;
  /** Allow-list of JWS algorithms (asymmetric only: `none` and HS* are refused). @default ['RS256'] */
  algorithms?: Algorithm[];
  /** Required `sub`. */
  subject?: string;
  /** Required header `typ`, compared case-insensitively, `application/` optional (`'at+jwt'`). */
  typ?: string;
  /** Clock tolerance for `exp`, `nbf` and `iat` (Flask-JWT's `JWT_LEEWAY`). @default 0 (seconds) */
  leeway?: Duration;
  /** Claims that must be present (Flask-JWT's `JWT_REQUIRED_CLAIMS`). @default ['exp'] */
  requiredClaims?: string[];
  /** Reject tokens issued longer ago than this (`iat` then required). */
  maxTokenAge?: Duration;
  /** Milliseconds since the epoch; the local time source (tests inject one). @default Date.now */
  clock?: () => number;
  /**
   * How far the local clock is behind the issuer's (issuer time = `clock()` + `clockSkew`;
   * negative when the local clock is ahead), or `'auto'` to estimate it from the `Date` header
   * of key-server answers. Applies to every time check, memo re-checks included. `leeway`
   * still applies on top; with `'auto'` use `leeway` ≥ 2 s, since `Date` counts whole seconds.
   * @default 0
   */
  clockSkew?: Duration | 'auto';
  /** Where fetched key sets are kept. @default memoryStore() */
  cache?: KeyStore;
  /** Remember verified tokens so a repeated token skips the signature check. @default { max: 1000 } */
  memo?:
    | false
    | {
        /** How many verified tokens are remembered at most (least recently used dropped). */
        max: number;
      };
  /** Observe key fetches, cache hits, stale use, errors and rejections. */
  onEvent?: (event: VerifierEvent) => void;
  /**
   * What imports keys, checks signatures and hashes: `portableCrypto` from `tokenward/portable`
   * where there is no `crypto.subtle`, or your own provider.
   * @default WebCrypto (node:crypto in the package's Node build)
   */
  crypto?: SignatureProvider;
  /** Only with several issuers: `issuers` replaces `keys` and `issuer`. */
  issuers?: undefined;
}

/** The options after checking, in the units the code uses. */
export interface ResolvedOptions {
  keys: KeySource;
  policy: ClaimPolicy;
  clock: () => number;
  clockSkew: number | 'auto';
  cache: KeyStore;
  memoMax: number;
  emit: EmitEvent;
  crypto: SignatureProvider;
}

const KNOWN = new Set([
  'keys',
  'issuer',
  'audience',
  'algorithms',
  'subject',
  'typ',
  'leeway',
  'requiredClaims',
  'maxTokenAge',
  'clock',
  'clockSkew',
  'cache',
  'memo',
  'onEvent',
  'crypto',
]);

/** Checks every option at creation: a configuration mistake is a TypeError now, not a rejection later. */
export function resolveOptions(options: VerifierOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('createVerifier(options) needs an options object');
  for (const name of Object.keys(options)) {
    if (name === 'issuers' || name === 'maxIssuers')
      throw new TypeError(
        `createVerifier: "${name}" belongs to createMultiIssuerVerifier({ issuers, ... }), which verifies tokens of several issuers`,
      );
    if (!KNOWN.has(name)) throw new TypeError(`createVerifier: unknown option "${name}"`);
  }
  const crypto = checkProvider(options.crypto);
  const { keys } = options;
  if (!isKeySource(keys)) {
    throw new TypeError(
      'createVerifier: "keys" is required: jwks(url), discovery(issuer), pem(textOrUrl) or localJwks(jwks)',
    );
  }
  const policy: ClaimPolicy = {
    algorithms: checkAlgorithms(options.algorithms ?? ['RS256']),
    issuer: checkIssuer(options.issuer, keys),
    audience: checkStrings(options.audience, 'audience'),
    leeway: toSeconds(options.leeway ?? 0, 'leeway'),
    requiredClaims: checkClaimNames(options.requiredClaims ?? ['exp']),
  };
  if (options.subject !== undefined) policy.subject = checkString(options.subject, 'subject');
  if (options.typ !== undefined) policy.typ = checkString(options.typ, 'typ');
  if (options.maxTokenAge !== undefined)
    policy.maxTokenAge = toSeconds(options.maxTokenAge, 'maxTokenAge');
  const clock = options.clock ?? Date.now;
  if (typeof clock !== 'function')
    throw new TypeError('createVerifier: clock must be a function returning milliseconds');
  const cache = options.cache ?? memoryStore();
  if (
    typeof cache?.get !== 'function' ||
    typeof cache.set !== 'function' ||
    typeof cache.delete !== 'function'
  ) {
    throw new TypeError(
      'createVerifier: cache must be a KeyStore (memoryStore(), webStorage(localStorage), kvStore(kv), …)',
    );
  }
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') {
    throw new TypeError('createVerifier: onEvent must be a function');
  }
  return {
    keys,
    policy,
    clock,
    clockSkew:
      options.clockSkew === 'auto' ? 'auto' : toSeconds(options.clockSkew ?? 0, 'clockSkew', true),
    cache,
    memoMax: checkMemo(options.memo),
    emit: eventEmitter(options.onEvent),
    crypto,
  };
}

function checkProvider(value: unknown): SignatureProvider {
  if (value === undefined) return defaultCrypto('createVerifier');
  const provider = value as Partial<SignatureProvider> | null;
  if (
    typeof provider?.name !== 'string' ||
    typeof provider.importKey !== 'function' ||
    typeof provider.verify !== 'function' ||
    typeof provider.digest !== 'function'
  ) {
    throw new TypeError(
      'createVerifier: "crypto" must be a SignatureProvider { name, importKey, verify, digest }, such as portableCrypto from "tokenward/portable"',
    );
  }
  return provider as SignatureProvider;
}

function checkAlgorithms(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new TypeError('createVerifier: algorithms must be a non-empty array');
  for (const alg of value) {
    if (typeof alg !== 'string') throw new TypeError('createVerifier: algorithms must be strings');
    if (alg.toLowerCase() === 'none' || /^HS\d+$/i.test(alg)) {
      throw new TypeError(
        `createVerifier: "${alg}" is refused: unsigned and shared-secret (HS*) tokens are unsafe to verify ` +
          'outside the server; sign with RS256 and verify with the public key.',
      );
    }
    if (!SUPPORTED_ALGORITHMS.includes(alg)) {
      throw new TypeError(
        `createVerifier: algorithm "${alg}" is not supported; use ${SUPPORTED_ALGORITHMS.join(', ')}`,
      );
    }
  }
  return [...new Set(value as string[])];
}

function checkIssuer(value: unknown, keys: KeySource): string | string[] | null {
  if (value === undefined && keys.issuer !== undefined) return keys.issuer;
  return checkStrings(value, 'issuer');
}

function checkStrings(value: unknown, option: 'issuer' | 'audience'): string | string[] | null {
  if (value === null) return null;
  if (value === undefined) {
    throw new TypeError(
      `createVerifier: "${option}" is required; pass null to skip the ${option === 'issuer' ? 'iss' : 'aud'} check explicitly`,
    );
  }
  if (typeof value === 'string' && value !== '') return value;
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => typeof v === 'string' && v !== '')
  )
    return [...value];
  throw new TypeError(
    `createVerifier: "${option}" must be a non-empty string, an array of them, or null`,
  );
}

function checkString(value: unknown, option: string): string {
  if (typeof value !== 'string' || value === '')
    throw new TypeError(`createVerifier: "${option}" must be a non-empty string`);
  return value;
}

function checkClaimNames(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new TypeError('createVerifier: requiredClaims must be an array of claim names');
  }
  return [...value];
}

function checkMemo(value: unknown): number {
  if (value === false) return 0;
  if (value === undefined) return 1000;
  const max = (value as { max?: unknown } | null)?.max;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
    throw new TypeError(
      'createVerifier: memo must be false or { max: n } with n a positive whole number',
    );
  }
  return max;
}
