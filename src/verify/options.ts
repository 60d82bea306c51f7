import type { ClaimPolicy } from './claims.js';
import type { Algorithm } from '../crypto/algorithms.js';
import type { SignatureProvider } from '../crypto/provider.js';
import type { Duration } from '../lib/duration.js';
import { eventEmitter, type EmitEvent, type VerifierEvent } from '../lib/events.js';
import { optionsObject, readOption, refuseUnknown, type OptionRow } from '../lib/options.js';
import type { DiscoveryKeySource, KeySource } from '../keys/source.js';
import type { KeyStore } from '../stores/types.js';
import { CORE_OPTIONS, takenBy, type Front } from './option-table.js';

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

/**
 * Checks the options of `caller` at creation (a configuration mistake is a TypeError now, not
 * a rejection later), row by row from the one options table. A front passes what its profile
 * fixes in `fixed` (an ID token's audience is its client id); `where` names the function, or
 * the entry of several issuers, in every message.
 */
export function resolveOptions(
  given: unknown,
  caller: Front,
  fixed: Partial<Record<keyof typeof CORE_OPTIONS, unknown>> = {},
  where: string = caller,
): ResolvedOptions {
  const options = optionsObject(given, caller);
  if (where === caller) refuseNames(options, caller);
  const all: Record<string, unknown> = { ...options, ...fixed };
  const read = <K extends keyof typeof CORE_OPTIONS>(name: K) =>
    readOption(CORE_OPTIONS[name] as OptionRow<unknown>, all[name], where, name) as ReturnType<
      (typeof CORE_OPTIONS)[K]['check']
    >;
  const crypto = read('crypto');
  const keys = read('keys');
  const policy: ClaimPolicy = {
    algorithms: read('algorithms'),
    // With discovery(), the discovered issuer is the default (OpenID Connect Discovery §4.3).
    issuer: all.issuer === undefined && keys.issuer !== undefined ? keys.issuer : read('issuer'),
    audience: read('audience'),
    leeway: read('leeway'),
    requiredClaims: read('requiredClaims'),
  };
  const subject = read('subject');
  if (subject !== undefined) policy.subject = subject;
  const typ = read('typ');
  if (typ !== undefined) policy.typ = typ;
  const maxTokenAge = read('maxTokenAge');
  if (maxTokenAge !== undefined) policy.maxTokenAge = maxTokenAge;
  return {
    keys,
    policy,
    clock: read('clock'),
    clockSkew: read('clockSkew'),
    cache: read('cache'),
    memoMax: read('memo'),
    emit: eventEmitter(read('onEvent')),
    crypto,
  };
}

function refuseNames(options: Record<string, unknown>, caller: Front): void {
  for (const name of ['issuers', 'maxIssuers']) {
    if (caller === 'createVerifier' && Object.hasOwn(options, name))
      throw new TypeError(
        `createVerifier: "${name}" belongs to createMultiIssuerVerifier({ issuers, ... }), which verifies tokens of several issuers`,
      );
  }
  refuseUnknown(options, takenBy(caller), caller);
}
