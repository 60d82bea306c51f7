import { VerificationError } from '../lib/errors.js';
import { isTenantId, issuerTemplate, TENANT_PLACEHOLDER } from '../lib/issuer-template.js';
import type { PublicJwk } from '../lib/jwk.js';
import type { TokenPayload } from '../token/compact.js';

/**
 * Whether a key may vouch for a token of this issuer. A key without an `issuer` member serves
 * any. Microsoft Entra publishes one key set for every tenant and names the issuer in each key,
 * often as `https://login.microsoftonline.com/{tenantid}/v2.0`: such a key serves only tokens
 * whose `iss` is that template with the token's own `tid` in place (what Microsoft.IdentityModel
 * checks as "signing key issuer validation"). An `issuer` that is not a string serves nothing.
 */
export function keyServesIssuer(jwk: PublicJwk, payload: TokenPayload): boolean {
  const named = jwk.issuer;
  if (named === undefined) return true;
  if (typeof named !== 'string' || typeof payload.iss !== 'string') return false;
  if (!named.includes(TENANT_PLACEHOLDER)) return named === payload.iss;
  const { tid } = payload;
  return (
    issuerTemplate(named) !== undefined &&
    isTenantId(tid) &&
    named.replace(TENANT_PLACEHOLDER, tid) === payload.iss
  );
}

/** Refuses a verified signature made with a key published for another issuer. */
export function checkKeyIssuer(jwk: PublicJwk, payload: TokenPayload): void {
  if (keyServesIssuer(jwk, payload)) return;
  throw new VerificationError(
    'ERR_KEY_NOT_FOUND',
    `The key that signed the token serves another issuer (${JSON.stringify(String(jwk.issuer))}) than its "iss" and "tid".`,
  );
}
