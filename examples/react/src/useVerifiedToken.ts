import { useEffect, useState } from 'react';
import { isVerificationError, type Verifier, type VerifiedToken } from 'tokenward';

/** What {@link useVerifiedToken} reports for the token it was given. */
export type TokenState =
  | { status: 'none' }
  | { status: 'verifying' }
  | { status: 'valid'; verified: VerifiedToken }
  | { status: 'refused'; code: string; message: string };

/**
 * Verifies `token` with `verifier` and re-renders with the outcome. A token that changes while
 * an earlier one is still being verified never shows the earlier one's result.
 *
 * @example
 * const state = useVerifiedToken(verifier, token);
 * if (state.status === 'valid') return <p>Hello {String(state.verified.payload.sub)}</p>;
 */
export function useVerifiedToken(verifier: Verifier, token: string | undefined): TokenState {
  const [state, setState] = useState<TokenState>({ status: 'none' });
  useEffect(() => {
    if (!token) return setState({ status: 'none' });
    let current = true;
    setState({ status: 'verifying' });
    verifier.verify(token).then(
      (verified) => current && setState({ status: 'valid', verified }),
      (error: unknown) => {
        if (!current) return;
        if (!isVerificationError(error)) throw error;
        setState({ status: 'refused', code: error.code, message: error.message });
      },
    );
    return () => {
      current = false;
    };
  }, [verifier, token]);
  return state;
}
