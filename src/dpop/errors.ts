import { VerificationError } from '../lib/errors.js';

/** ERR_DPOP_INVALID naming the proof member (or request part) at fault. */
export function dpopInvalid(claim: string | undefined, message: string, cause?: unknown) {
  return new VerificationError(
    'ERR_DPOP_INVALID',
    message,
    claim === undefined ? { cause } : { claim, cause },
  );
}
