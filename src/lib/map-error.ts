import { VerificationError } from './errors.js';

/**
 * The one place where outside errors become our codes: jose's and WebCrypto's (key import,
 * signature check) and fetch's (key fetching). An error none of these explain is a bug and is
 * rethrown as it is, never dressed up as a refusal of the token.
 */

/** ERR_KEY_FETCH_FAILED with the URL and the reason, for every key source. */
export function fetchFailed(url: string, reason: string, cause?: unknown): VerificationError {
  // fetch() rejects with a TypeError when no answer could be read at all; only then can CORS
  // (in a browser) be why. An HTTP status or a bad body has nothing to do with CORS.
  const hint =
    cause instanceof TypeError
      ? 'Check the URL, that the server is up and (in a browser) its CORS headers.'
      : 'Check the URL and the key server.';
  return new VerificationError(
    'ERR_KEY_FETCH_FAILED',
    `Could not read keys from ${url}: ${reason}. ${hint}`,
    {
      cause,
    },
  );
}

interface JoseLikeError {
  code?: unknown;
  name?: unknown;
  message?: unknown;
}

/** A key that jose or WebCrypto would not import for `alg`. */
export function keyImportFailed(error: unknown, alg: string): VerificationError {
  if (error instanceof VerificationError) return error;
  const { code, name, message } = (error ?? {}) as JoseLikeError;
  const text = typeof message === 'string' ? message : String(error);
  if (code === 'ERR_JOSE_NOT_SUPPORTED' || name === 'NotSupportedError') {
    // An algorithm or curve this runtime's WebCrypto lacks (Ed25519 in older browsers).
    return new VerificationError(
      'ERR_ALG_NOT_ALLOWED',
      `This runtime's WebCrypto cannot verify ${alg}: ${text}.`,
      { cause: error },
    );
  }
  // jose: TypeError for a key that does not suit the algorithm, ERR_JWK_INVALID for bad
  // members; WebCrypto: DataError for key data it cannot parse (an EC point off its curve).
  // node:crypto (the Node build's provider): ERR_CRYPTO_INVALID_JWK and OpenSSL's ERR_OSSL_*.
  if (
    error instanceof TypeError ||
    code === 'ERR_JWK_INVALID' ||
    (typeof code === 'string' && /^ERR_(CRYPTO|OSSL)_/.test(code)) ||
    name === 'DataError' ||
    name === 'InvalidAccessError'
  ) {
    return new VerificationError(
      'ERR_KEY_INVALID',
      `The key cannot verify ${alg} tokens: ${text}.`,
      {
        cause: error,
      },
    );
  }
  throw error;
}

/**
 * A signature check that threw rather than answering false. WebCrypto's OperationError and
 * DataError, and node:crypto's OpenSSL errors (code ERR_OSSL_*, the Node path of issue 17), are
 * about the signature bytes (the platform could not even check them): the token is refused.
 */
export function signatureCheckFailed(error: unknown): VerificationError {
  const { name, code } = (error ?? {}) as JoseLikeError;
  if (name === 'OperationError' || name === 'DataError') return invalidSignature(error);
  if (typeof code === 'string' && code.startsWith('ERR_OSSL_')) return invalidSignature(error);
  throw error;
}

export function invalidSignature(cause?: unknown): VerificationError {
  return new VerificationError(
    'ERR_SIGNATURE_INVALID',
    'The token signature does not verify: it was altered or signed with another key.',
    cause === undefined ? {} : { cause },
  );
}
