import type { JWTVerifyOptions } from 'jose';
import { VerificationError } from './errors.js';
import type { TokenPayload } from './token.js';

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

/** The policy as jose options; jose does the claim checks it knows. */
export function toJoseOptions(policy: ClaimPolicy): JWTVerifyOptions {
  const options: JWTVerifyOptions = {
    algorithms: policy.algorithms,
    clockTolerance: policy.leeway,
    requiredClaims: policy.requiredClaims,
  };
  if (policy.issuer !== null) options.issuer = policy.issuer;
  if (policy.audience !== null) options.audience = policy.audience;
  if (policy.subject !== undefined) options.subject = policy.subject;
  if (policy.typ !== undefined) options.typ = policy.typ;
  if (policy.maxTokenAge !== undefined) options.maxTokenAge = policy.maxTokenAge;
  return options;
}

const STRING_CLAIMS = ['iss', 'sub', 'jti'] as const;
const TIME_CLAIMS = ['exp', 'nbf', 'iat'] as const;

/**
 * RFC 7519 §4.1 types of the registered claims. jose checks them only when an option asks
 * for the claim; a token with `"iss": 42` or `"exp": 1e999` is refused here whatever the options.
 */
export function assertClaimTypes(payload: TokenPayload): void {
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

function wrongType(claim: string, expected: string): VerificationError {
  return new VerificationError('ERR_CLAIM_INVALID', `The "${claim}" claim must be ${expected}.`, {
    claim,
  });
}

/**
 * The time rules, against `now` in whole seconds (as jose counts): `exp`, `nbf`, `iat` not in
 * the future (which jose checks only with `maxTokenAge`), and `maxTokenAge`. Run after jose on
 * a full verify and alone on a memo hit, where the signature is already known good.
 */
export function assertTimes(payload: TokenPayload, policy: ClaimPolicy, now: number): void {
  const { exp, nbf, iat } = payload;
  const { leeway } = policy;
  if (exp !== undefined && exp <= now - leeway) {
    throw new VerificationError(
      'ERR_TOKEN_EXPIRED',
      `The token expired ${ago(now - exp)} ago; get a fresh one.`,
      {
        claim: 'exp',
      },
    );
  }
  if (nbf !== undefined && nbf > now + leeway) {
    throw notYet('nbf', nbf - now);
  }
  if (iat !== undefined && iat > now + leeway) {
    throw notYet('iat', iat - now);
  }
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
