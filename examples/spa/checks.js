// What tokenward checks, in the order it checks them, and which check a refusal points at.
// Checks in group 'claims' are made together (jose's claim set), so a refused claim says
// nothing about its neighbours: they are shown as not checked.

/** What each refusal means, in the words a user of the page needs. */
export const MEANING = {
  ERR_SIGNATURE_INVALID:
    'The signature does not match the content: the token was altered on the way (or forged).',
  ERR_ALG_NOT_ALLOWED:
    'The token asks for an algorithm outside the allow-list. "none" means no signature at all.',
  ERR_KEY_NOT_FOUND:
    'No key of the issuer has this kid, even after refetching the key set: not our issuer.',
  ERR_TOKEN_EXPIRED: 'The token is past its exp. A fresh one is needed; the old one is never sent.',
  ERR_TOKEN_MALFORMED: 'This is not a compact JWS at all.',
  ERR_KEY_FETCH_FAILED: 'The key server could not be read and no cached key set is usable.',
  ERR_CLAIM_INVALID: 'A claim does not match what this app expects.',
  ERR_CLAIM_MISSING: 'A claim this app requires is absent.',
};

/** The checks of createVerifier for an access token. */
export function accessChecks(header, issuer, audience) {
  return [
    { id: 'format', group: 'format', label: 'A compact JWS: header.payload.signature' },
    {
      id: 'alg',
      group: 'alg',
      label: `alg ${header.alg ?? '(none)'} is in the allow-list [RS256]`,
    },
    {
      id: 'key',
      group: 'key',
      label: `The issuer's key set has a key for kid ${header.kid ?? '(none)'}`,
    },
    {
      id: 'signature',
      group: 'signature',
      label: 'The signature verifies with that key (WebCrypto)',
    },
    { id: 'exp', group: 'claims', label: 'exp: not expired' },
    { id: 'iat', group: 'claims', label: 'iat / nbf: not in the future' },
    { id: 'iss', group: 'claims', label: `iss is ${issuer}` },
    { id: 'aud', group: 'claims', label: `aud contains ${audience}` },
  ];
}

/** The checks of createIdTokenVerifier (OIDC Core §3.1.3.7), after the access-token ones. */
export function idTokenChecks(header, issuer, clientId) {
  return [
    ...accessChecks(header, issuer, clientId),
    { id: 'sub', group: 'claims', label: 'sub present' },
    { id: 'azp', group: 'azp', label: `azp, when present, is ${clientId}` },
    { id: 'nonce', group: 'nonce', label: "nonce equals this sign-in's (constant-time)" },
    { id: 'auth_time', group: 'auth_time', label: 'auth_time within max_age (10 m)' },
    { id: 'at_hash', group: 'at_hash', label: "at_hash matches this sign-in's access token" },
  ];
}

const CHECK_FOR_CODE = {
  ERR_TOKEN_MALFORMED: 'format',
  ERR_ALG_NOT_ALLOWED: 'alg',
  ERR_KEY_NOT_FOUND: 'key',
  ERR_KEY_FETCH_FAILED: 'key',
  ERR_KEY_INVALID: 'key',
  ERR_SIGNATURE_INVALID: 'signature',
  ERR_TOKEN_EXPIRED: 'exp',
  ERR_TOKEN_NOT_YET_VALID: 'iat',
};

/** Index of the check a VerificationError refused, or -1 when none of `checks` is it. */
export function failedCheck(error, checks) {
  const id = CHECK_FOR_CODE[error.code] ?? (error.claim === 'nbf' ? 'iat' : error.claim);
  return checks.findIndex((check) => check.id === id);
}
