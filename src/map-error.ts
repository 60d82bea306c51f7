import { VerificationError, malformed } from './errors.js';

interface JoseLikeError {
  code?: unknown;
  claim?: unknown;
  reason?: unknown;
  message?: unknown;
}

/**
 * The one place where jose's errors (and stray platform errors) become our codes.
 * Claim errors keep only their message: jose attaches the claims to them, and those may
 * hold personal data that has no business in a log.
 */
export function toVerificationError(error: unknown): VerificationError {
  if (error instanceof VerificationError) return error;
  const { code, claim, reason, message } = (error ?? {}) as JoseLikeError;
  const text = typeof message === 'string' ? message : String(error);
  switch (code) {
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return malformed(`The token is malformed: ${text}.`, error);
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new VerificationError(
        'ERR_ALG_NOT_ALLOWED',
        'The token\'s "alg" is not in the allowed algorithms; `none` and HS* are never accepted.',
        { cause: error },
      );
    case 'ERR_JOSE_NOT_SUPPORTED':
      // jose says this for an unrecognised `crit` extension, and for an algorithm or curve
      // the runtime's WebCrypto lacks (Ed25519 in older browsers).
      return /extension|crit/i.test(text)
        ? malformed(
            `The token lists a critical header parameter tokenward does not understand: ${text}.`,
            error,
          )
        : new VerificationError(
            'ERR_ALG_NOT_ALLOWED',
            `This runtime's WebCrypto cannot verify the token's algorithm: ${text}.`,
            {
              cause: error,
            },
          );
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new VerificationError(
        'ERR_SIGNATURE_INVALID',
        'The token signature does not verify: it was altered or signed with another key.',
        { cause: error },
      );
    case 'ERR_JWT_EXPIRED':
      return claim === 'iat'
        ? new VerificationError(
            'ERR_CLAIM_INVALID',
            'The token is older than maxTokenAge allows.',
            { claim: 'iat' },
          )
        : new VerificationError('ERR_TOKEN_EXPIRED', 'The token has expired; get a fresh one.', {
            claim: 'exp',
          });
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return fromClaimError(String(claim), String(reason));
    case 'ERR_JWK_INVALID':
    case 'ERR_JWKS_INVALID':
      return new VerificationError('ERR_KEY_INVALID', `The key material is invalid: ${text}.`, {
        cause: error,
      });
  }
  if (error instanceof TypeError) {
    // jose throws TypeError when a key does not suit the algorithm (type, curve, RSA size).
    return new VerificationError('ERR_KEY_INVALID', `The key cannot verify this token: ${text}.`, {
      cause: error,
    });
  }
  return new VerificationError(
    'ERR_SIGNATURE_INVALID',
    `The token could not be verified: ${text}.`,
    { cause: error },
  );
}

function fromClaimError(claim: string, reason: string): VerificationError {
  if (reason === 'missing') {
    return new VerificationError(
      'ERR_CLAIM_MISSING',
      `The token has no "${claim}" claim, which is required.`,
      { claim },
    );
  }
  if ((claim === 'nbf' || claim === 'iat') && reason === 'check_failed') {
    return new VerificationError(
      'ERR_TOKEN_NOT_YET_VALID',
      `The token's "${claim}" is in the future. If clocks differ, set leeway or clockSkew.`,
      { claim },
    );
  }
  const what = claim === 'typ' ? 'header "typ"' : `"${claim}" claim`;
  return new VerificationError(
    'ERR_CLAIM_INVALID',
    reason === 'invalid'
      ? `The token's ${what} has the wrong type.`
      : `The token's ${what} does not match what this verifier expects.`,
    { claim },
  );
}
