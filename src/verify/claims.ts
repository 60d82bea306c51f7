import { VerificationError } from '../lib/errors.js';
import type { TokenHeader } from '../token/header.js';
import type { TokenPayload } from '../token/compact.js';

/** The claim rules of one verifier, already checked and in seconds. */
export interface ClaimPolicy {
  algorithms: string[];
  issuer: string | string[] | null;
  audience: string | string[] | null;
  subject?: string;
  typ?: string;
  leeway: number;
  requiredClaims: string[];
  maxTokenAge?: number;
}

const STRING_CLAIMS = ['iss', 'sub', 'jti'] as const;
const TIME_CLAIMS = ['exp', 'nbf', 'iat'] as const;

/**
 * Every claim rule of a verifier, against the issuer's time `now` in whole seconds: RFC 7519
 * §4.1 types, the header `typ`, required claims, `iss`, `sub`, `aud`, then the time rules.
 * Each rule and its message lives here once.
 */
export function checkClaims(
  payload: TokenPayload,
  header: TokenHeader,
  policy: ClaimPolicy,
  now: number,
): void {
  assertClaimTypes(payload);
  if (policy.typ !== undefined && !typMatches(header.typ, policy.typ)) throw mismatch('typ');
  for (const claim of requiredOf(policy)) {
    if (!Object.hasOwn(payload, claim)) {
      throw new VerificationError(
        'ERR_CLAIM_MISSING',
        `The token has no "${claim}" claim, which is required.`,
        { claim },
      );
    }
  }
  const { issuer, subject, audience } = policy;
  if (issuer !== null && !oneOf(payload.iss, issuer)) throw mismatch('iss');
  if (subject !== undefined && payload.sub !== subject) throw mismatch('sub');
  if (audience !== null && !audienceMatches(payload.aud, audience)) throw mismatch('aud');
  checkTimes(payload, policy, now);
}

// Presence is checked for what the options name, as jose orders it: iss, sub, aud, iat, then
// requiredClaims. Kept per policy object, since it never changes.
const requiredByPolicy = new WeakMap<ClaimPolicy, string[]>();
function requiredOf(policy: ClaimPolicy): string[] {
  let required = requiredByPolicy.get(policy);
  if (required === undefined) {
    const named: string[] = [];
    if (policy.issuer !== null) named.push('iss');
    if (policy.subject !== undefined) named.push('sub');
    if (policy.audience !== null) named.push('aud');
    if (policy.maxTokenAge !== undefined) named.push('iat');
    required = [...new Set([...named, ...policy.requiredClaims])];
    requiredByPolicy.set(policy, required);
  }
  return required;
}

/**
 * RFC 7519 §4.1 types of the registered claims, whatever the options: a token with
 * `"iss": 42` or `"exp": 1e999` is refused.
 */
function assertClaimTypes(payload: TokenPayload): void {
  for (const claim of STRING_CLAIMS) {
    if (payload[claim] !== undefined && typeof payload[claim] !== 'string')
      throw wrongType(claim, 'a string');
  }
  for (const claim of TIME_CLAIMS) {
    const value = payload[claim];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw wrongType(claim, 'a finite number of seconds');
    }
  }
  const { aud } = payload;
  if (
    aud !== undefined &&
    typeof aud !== 'string' &&
    !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))
  ) {
    throw wrongType('aud', 'a string or an array of strings');
  }
}

/**
 * The time rules, against `now` in whole seconds: `exp`, `nbf`, `iat` not in the future, and
 * `maxTokenAge`. Run by every verify and alone on a memo hit, where the signature and the other
 * claims are already known good: the same token gets the same refusal either way.
 */
export function checkTimes(payload: TokenPayload, policy: ClaimPolicy, now: number): void {
  const { exp, nbf, iat } = payload;
  const { leeway } = policy;
  if (exp !== undefined && exp <= now - leeway) {
    throw new VerificationError(
      'ERR_TOKEN_EXPIRED',
      `The token expired ${ago(now - exp)} ago; get a fresh one.`,
      { claim: 'exp' },
    );
  }
  if (nbf !== undefined && nbf > now + leeway) throw notYet('nbf', nbf - now);
  if (iat !== undefined && iat > now + leeway) throw notYet('iat', iat - now);
  if (
    policy.maxTokenAge !== undefined &&
    iat !== undefined &&
    now - iat - leeway > policy.maxTokenAge
  ) {
    throw new VerificationError(
      'ERR_CLAIM_INVALID',
      `The token was issued ${ago(now - iat)} ago, more than maxTokenAge (${policy.maxTokenAge}s) allows.`,
      { claim: 'iat' },
    );
  }
}

/** Media types compare case-insensitively, with `application/` optional (RFC 7515 §4.1.9). */
export function typMatches(actual: unknown, expected: string): boolean {
  return typeof actual === 'string' && normalizeTyp(actual) === normalizeTyp(expected);
}

function normalizeTyp(value: string): string {
  const lower = value.toLowerCase();
  return lower.includes('/') ? lower : `application/${lower}`;
}

function oneOf(value: unknown, accepted: string | string[]): boolean {
  return typeof accepted === 'string' ? value === accepted : accepted.includes(value as string);
}

function audienceMatches(aud: TokenPayload['aud'], accepted: string | string[]): boolean {
  if (typeof aud === 'string') return oneOf(aud, accepted);
  return Array.isArray(aud) && aud.some((entry) => oneOf(entry, accepted));
}

function mismatch(claim: string): VerificationError {
  const what = claim === 'typ' ? 'header "typ"' : `"${claim}" claim`;
  return new VerificationError(
    'ERR_CLAIM_INVALID',
    `The token's ${what} does not match what this verifier expects.`,
    { claim },
  );
}

function wrongType(claim: string, expected: string): VerificationError {
  return new VerificationError('ERR_CLAIM_INVALID', `The "${claim}" claim must be ${expected}.`, {
    claim,
  });
}

function notYet(claim: 'nbf' | 'iat', seconds: number): VerificationError {
  return new VerificationError(
    'ERR_TOKEN_NOT_YET_VALID',
    `The token's "${claim}" is ${ago(seconds)} in the future. If clocks differ, set leeway or clockSkew.`,
    { claim },
  );
}

function ago(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return `${Math.round(seconds / 3600)}h`;
}
