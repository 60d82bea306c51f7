import { useVerifiedToken } from './useVerifiedToken';
import { verifier } from './verifier';

/** The token this page was handed: here in the URL fragment (`#token=…`), as after a redirect. */
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? undefined;

export function App() {
  const state = useVerifiedToken(verifier, token);
  switch (state.status) {
    case 'none':
      return <p data-state="none">No token: sign in first.</p>;
    case 'verifying':
      return <p data-state="verifying">Verifying…</p>;
    case 'valid':
      return (
        <p data-state="valid">
          Signed in as <strong>{String(state.verified.payload.sub)}</strong>: the token verified.
        </p>
      );
    case 'refused':
      return (
        <p data-state="refused" data-code={state.code}>
          Refused ({state.code}): {state.message}
        </p>
      );
  }
}
