import { defaultCrypto } from '../crypto/default.js';
import type { SignatureProvider } from '../crypto/provider.js';
import { SUPPORTED_ALGORITHMS } from '../crypto/algorithms.js';
import { toSeconds } from '../lib/duration.js';
import type { VerifierEvent } from '../lib/events.js';
import { durationRow, functionRow, type OptionRow } from '../lib/options.js';
import { isKeySource, type KeySource } from '../keys/source.js';
import { memoryStore } from '../stores/memory.js';
import type { KeyStore } from '../stores/types.js';

/** The functions that build a verifier; every TypeError names the one that was called. */
export type Front =
  | 'createVerifier'
  | 'createMultiIssuerVerifier'
  | 'createIdTokenVerifier'
  | 'createAccessTokenVerifier'
  | 'createLogoutTokenVerifier';

const V = 'createVerifier';
const M = 'createMultiIssuerVerifier';
const I = 'createIdTokenVerifier';
const A = 'createAccessTokenVerifier';
const L = 'createLogoutTokenVerifier';
/** An entry of `issuers` (createMultiIssuerVerifier). */
const E = 'issuers[]';
export type Taker = Front | typeof E;

/** The rules of the core verifier, each checked the same way whichever front was called. */
export const CORE_OPTIONS = {
  keys: { required: true, check: checkKeys },
  issuer: {
    required: true,
    check: (value: unknown, caller: string) => checkStrings(value, caller, 'issuer'),
  },
  audience: {
    required: true,
    check: (value: unknown, caller: string) => checkStrings(value, caller, 'audience'),
  },
  algorithms: { default: ['RS256'], check: checkAlgorithms },
  subject: { check: checkString },
  typ: { check: checkString },
  leeway: durationRow(0),
  requiredClaims: { default: ['exp'], check: checkClaimNames },
  maxTokenAge: durationRow(),
  clock: functionRow<() => number>('a function returning milliseconds', Date.now),
  clockSkew: { default: 0, check: checkSkew },
  cache: { make: () => memoryStore(), check: checkStore },
  memo: { default: 1000, check: checkMemo },
  onEvent: functionRow<(event: VerifierEvent) => void>('a function'),
  crypto: { make: defaultCrypto, check: checkProvider },
} satisfies Record<string, OptionRow<unknown>>;

const RULES: Taker[] = [V, M, E, A]; // the claim rules a profile does not fix
const ALL: Taker[] = [V, M, I, A, L];

/**
 * The one options table: every option of every front, and who takes it. The checks of the
 * core's options are {@link CORE_OPTIONS}; a front checks its own (`clientId`, `replay`, …).
 */
export const OPTION_TABLE: ReadonlyMap<string, readonly Taker[]> = new Map<string, Taker[]>([
  ['keys', [V, E, I, A, L]],
  ['issuer', [V, E, I, A, L]],
  ['audience', RULES],
  ['clientId', [I, L]],
  ['algorithms', [...ALL, E]],
  ['subject', RULES],
  ['typ', [V, M, E]],
  ['leeway', [...ALL, E]],
  ['requiredClaims', RULES],
  ['maxTokenAge', RULES],
  ['clockSkew', [...ALL, E]],
  ['clock', ALL],
  ['cache', ALL],
  ['memo', [V, M, I, A]],
  ['onEvent', ALL],
  ['crypto', ALL],
  ['replay', [L]],
  ['maxAge', [L]],
  ['issuers', [M]],
  ['maxIssuers', [M]],
  ['tenants', [E]],
]);

/** The option names a front (or an `issuers` entry) takes. */
export function takenBy(taker: Taker): string[] {
  return [...OPTION_TABLE].filter(([, takers]) => takers.includes(taker)).map(([name]) => name);
}

function checkKeys(value: unknown, caller: string): KeySource {
  if (!isKeySource(value))
    throw new TypeError(
      `${caller}: "keys" is required: jwks(url), discovery(issuer), pem(textOrUrl) or localJwks(jwks)`,
    );
  return value;
}

function checkStrings(
  value: unknown,
  caller: string,
  option: 'issuer' | 'audience',
): string | string[] | null {
  if (value === null) return null;
  if (typeof value === 'string' && value !== '') return value;
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => typeof v === 'string' && v !== '')
  )
    return [...value];
  throw new TypeError(
    value === undefined
      ? `${caller}: "${option}" is required; pass null to skip the ${option === 'issuer' ? 'iss' : 'aud'} check explicitly`
      : `${caller}: "${option}" must be a non-empty string, an array of them, or null`,
  );
}

function checkString(value: unknown, caller: string, option: string): string {
  if (typeof value !== 'string' || value === '')
    throw new TypeError(`${caller}: "${option}" must be a non-empty string`);
  return value;
}

function checkAlgorithms(value: unknown, caller: string): string[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new TypeError(`${caller}: algorithms must be a non-empty array`);
  for (const alg of value) {
    if (typeof alg !== 'string') throw new TypeError(`${caller}: algorithms must be strings`);
    if (alg.toLowerCase() === 'none' || /^HS\d+$/i.test(alg)) {
      throw new TypeError(
        `${caller}: "${alg}" is refused: unsigned and shared-secret (HS*) tokens are unsafe to verify ` +
          'outside the server; sign with RS256 and verify with the public key.',
      );
    }
    if (!SUPPORTED_ALGORITHMS.includes(alg)) {
      throw new TypeError(
        `${caller}: algorithm "${alg}" is not supported; use ${SUPPORTED_ALGORITHMS.join(', ')}`,
      );
    }
  }
  return [...new Set(value as string[])];
}

function checkClaimNames(value: unknown, caller: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new TypeError(`${caller}: requiredClaims must be an array of claim names`);
  return [...value];
}

// The only duration that may be negative: a local clock ahead of the issuer's.
function checkSkew(value: unknown, caller: string): number | 'auto' {
  return value === 'auto' ? 'auto' : toSeconds(value, `${caller}: clockSkew`, true);
}

function checkStore(value: unknown, caller: string): KeyStore {
  const store = value as Partial<KeyStore> | null;
  if (
    typeof store?.get !== 'function' ||
    typeof store.set !== 'function' ||
    typeof store.delete !== 'function'
  )
    throw new TypeError(
      `${caller}: cache must be a KeyStore (memoryStore(), webStorage(localStorage), kvStore(kv), …)`,
    );
  return value as KeyStore;
}

/** How many verified tokens to remember; 0 for `memo: false`. */
function checkMemo(value: unknown, caller: string): number {
  if (value === false) return 0;
  const max = (value as { max?: unknown } | null)?.max;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1)
    throw new TypeError(
      `${caller}: memo must be false or { max: n } with n a positive whole number`,
    );
  return max;
}

function checkProvider(value: unknown, caller: string): SignatureProvider {
  const provider = value as Partial<SignatureProvider> | null;
  if (
    typeof provider?.name !== 'string' ||
    typeof provider.importKey !== 'function' ||
    typeof provider.verify !== 'function' ||
    typeof provider.digest !== 'function'
  )
    throw new TypeError(
      `${caller}: "crypto" must be a SignatureProvider { name, importKey, verify, digest }, such as portableCrypto from "tokenward/portable"`,
    );
  return provider as SignatureProvider;
}
