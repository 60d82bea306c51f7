import { isVerificationError, type VerificationError } from '../../src/index.js';

/** The VerificationError a promise rejects with; fails the test if it resolves or rejects otherwise. */
export async function refusal(promise: Promise<unknown>): Promise<VerificationError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a VerificationError, but it resolved');
    },
    (e: unknown) => e,
  );
  if (!isVerificationError(error))
    throw new Error(`expected a VerificationError, got ${String(error)}`);
  return error;
}

/** How a verify ended: 'OK', or the refusal's code. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'OK',
    (e: unknown) => (isVerificationError(e) ? e.code : `not a VerificationError: ${String(e)}`),
  );
}

/** The refusal's code and claim, for claim errors. */
export async function codeAndClaim(
  promise: Promise<unknown>,
): Promise<[string, string | undefined]> {
  const error = await refusal(promise);
  return [error.code, error.claim];
}
