import { isVerificationError } from '../lib/errors.js';
import { verifyPrepared } from '../crypto/prepared-key.js';
import { decodeToken, parsePayload, type TokenPayload } from '../token/compact.js';
import type { TokenHeader } from '../token/header.js';
import { dpopInvalid } from './errors.js';
import { proofKeyOf } from './proof-key.js';

/** Proofs longer than this are refused before any parsing: an RSA-4096 proof is about 2.2 KiB. */
export const MAX_PROOF_LENGTH = 4096;

/** A proof whose signature verified with its own key, not yet checked against the request. */
export interface CheckedProof {
  readonly header: TokenHeader;
  readonly payload: TokenPayload;
  /** RFC 7638 thumbprint of the proof key, base64url. */
  readonly jkt: string;
}

/**
 * RFC 9449 §4.3 items 1-7: one well-formed JWS of type `dpop+jwt`, an allowed asymmetric
 * `alg`, a public `jwk`, and a signature that verifies with that key.
 */
export async function checkProofSignature(
  proof: string,
  algorithms: ReadonlySet<string>,
): Promise<CheckedProof> {
  if (proof.length > MAX_PROOF_LENGTH)
    throw dpopInvalid(undefined, `The DPoP proof is over ${MAX_PROOF_LENGTH} characters.`);
  let decoded: ReturnType<typeof decodeToken>;
  try {
    decoded = decodeToken(proof);
  } catch (error) {
    throw asDpop(error, 'The DPoP header is not a compact JWS');
  }
  const { header } = decoded;
  if (typeof header.typ !== 'string' || !/^(application\/)?dpop\+jwt$/i.test(header.typ))
    throw dpopInvalid('typ', 'The DPoP proof "typ" must be "dpop+jwt".');
  if (!algorithms.has(header.alg))
    throw dpopInvalid('alg', 'The DPoP proof "alg" is not an allowed asymmetric algorithm.');
  const { prepared, jkt } = await proofKeyOf(header.jwk, header.alg);
  let verified: boolean;
  try {
    verified = await verifyPrepared(prepared, decoded.signingInput, decoded.signature);
  } catch (error) {
    throw dpopInvalid('signature', 'The DPoP proof signature could not be checked.', error);
  }
  if (!verified) throw dpopInvalid('signature', 'The DPoP proof signature does not verify.');
  let payload: TokenPayload;
  try {
    payload = parsePayload(decoded.payloadBytes);
  } catch (error) {
    throw asDpop(error, 'The DPoP proof payload is not a JSON object');
  }
  return { header, payload, jkt };
}

function asDpop(error: unknown, message: string) {
  if (!isVerificationError(error)) return error;
  return dpopInvalid(undefined, `${message}: ${error.message}`, error);
}
