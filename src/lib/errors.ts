/**
 * Every way a token or its keys can be refused. Stable: users branch on these.
 */
export type VerificationErrorCode =
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_ALG_NOT_ALLOWED'
  | 'ERR_SIGNATURE_INVALID'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_CLAIM_INVALID'
  | 'ERR_CLAIM_MISSING'
  | 'ERR_KEY_NOT_FOUND'
  | 'ERR_KEY_FETCH_FAILED'
  | 'ERR_KEY_INVALID'
  | 'ERR_DPOP_INVALID'
  | 'ERR_DPOP_NONCE_REQUIRED'
  /**
   * The attach side will not send this token to this URL: its `aud` lacks the resource the URL
   * belongs to, its scopes fall short, its `iss` is not one of the resource's authorization
   * servers, or the resource's metadata does not name the URL or cannot be read (`claim` `aud`,
   * `scope`, `iss` or `resource`; RFC 8707, RFC 9728).
   */
  | 'ERR_RESOURCE_MISMATCH';

const CODES: ReadonlySet<string> = new Set<VerificationErrorCode>([
  'ERR_TOKEN_MALFORMED',
  'ERR_ALG_NOT_ALLOWED',
  'ERR_SIGNATURE_INVALID',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_NOT_YET_VALID',
  'ERR_CLAIM_INVALID',
  'ERR_CLAIM_MISSING',
  'ERR_KEY_NOT_FOUND',
  'ERR_KEY_FETCH_FAILED',
  'ERR_KEY_INVALID',
  'ERR_DPOP_INVALID',
  'ERR_DPOP_NONCE_REQUIRED',
  'ERR_RESOURCE_MISMATCH',
]);

/** Options for {@link VerificationError}. */
export interface VerificationErrorOptions {
  /** The claim or header parameter at fault (`exp`, `aud`, `nonce`, …). */
  claim?: string;
  /** The underlying error (from jose, ky or the platform). */
  cause?: unknown;
  /** For ERR_DPOP_NONCE_REQUIRED: the nonce the client must put in its next proof. */
  nonce?: string;
}

/**
 * The one error type tokenward rejects with. Branch on `code`, never on the message.
 * Messages never contain the token.
 *
 * @example
 * try {
 *   await verifier.verify(token);
 * } catch (error) {
 *   if (isVerificationError(error) && error.code === 'ERR_TOKEN_EXPIRED') await session.refresh();
 *   else throw error;
 * }
 */
export class VerificationError extends Error {
  /** Always `VerificationError`: recognise the error by it across realms and builds. */
  override readonly name = 'VerificationError';
  /** Why the token was refused; stable across versions (see the error table in the docs). */
  readonly code: VerificationErrorCode;
  /** The claim at fault, for claim and time errors. */
  readonly claim?: string;
  /** For ERR_DPOP_NONCE_REQUIRED: the value to send back in the `DPoP-Nonce` header (RFC 9449 §8). */
  readonly nonce?: string;

  constructor(
    code: VerificationErrorCode,
    message: string,
    options: VerificationErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.claim !== undefined) this.claim = options.claim;
    if (options.nonce !== undefined) this.nonce = options.nonce;
  }
}

/**
 * Recognises a {@link VerificationError} by `name` and `code`, so it works across realms
 * (iframes, workers) and across the ESM and CommonJS builds, where `instanceof` cannot.
 *
 * @example
 * if (isVerificationError(error)) console.warn(error.code);
 */
export function isVerificationError(value: unknown): value is VerificationError {
  if (typeof value !== 'object' || value === null) return false;
  const { name, code } = value as { name?: unknown; code?: unknown };
  return name === 'VerificationError' && typeof code === 'string' && CODES.has(code);
}

/** A token part that is not canonical base64url; one message for both decoders. */
export function notCanonical(what: string): VerificationError {
  return malformed(
    `The token ${what} is not canonical base64url (A-Z a-z 0-9 - _ only, no "=" padding, unused last bits zero).`,
  );
}

/** Shorthand for ERR_TOKEN_MALFORMED, the most common refusal of outside input. */
export function malformed(message: string, cause?: unknown): VerificationError {
  return new VerificationError('ERR_TOKEN_MALFORMED', message, { cause });
}

export const PUBLISH_PUBLIC_KEY_HINT =
  'Verify with the public key only: publish it with `openssl rsa -in rs256.pem -pubout -out rs256.pub` ' +
  'and keep the private key on the server that signs.';
