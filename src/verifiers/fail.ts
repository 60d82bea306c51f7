import { VerificationError } from '../lib/errors.js';
import type { CoreVerifier } from '../verify/verifier.js';

/** Refuses a token for one claim: reported through the core verifier (`token:rejected`), then thrown. */
export type Fail = (
  code: 'ERR_CLAIM_INVALID' | 'ERR_CLAIM_MISSING',
  claim: string,
  message: string,
) => never;

/** The {@link Fail} of a profile built on `core`. */
export function failWith(core: CoreVerifier): Fail {
  return (code, claim, message) => {
    throw core.refuse(new VerificationError(code, message, { claim }));
  };
}
