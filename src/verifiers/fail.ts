import { VerificationError } from '../lib/errors.js';

/** Refuses a token for one claim (the front reports it as `token:rejected`). */
export type Fail = (
  code: 'ERR_CLAIM_INVALID' | 'ERR_CLAIM_MISSING',
  claim: string,
  message: string,
) => never;

/** The {@link Fail} every profile uses. */
export const fail: Fail = (code, claim, message) => {
  throw new VerificationError(code, message, { claim });
};
