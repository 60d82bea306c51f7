import { VerificationError } from '../../lib/errors.js';
import { tenantOf } from '../../lib/issuer-template.js';
import { parseToken, type TokenPayload } from '../../token/compact.js';
import type { ResolvedEntry } from './options.js';

/** Where a token goes: its entry, the `iss` that chose it, and the tenant of a template. */
export interface Route {
  readonly entry: ResolvedEntry;
  readonly iss: string;
  readonly tenant: string | undefined;
}

/** Picks the entry for a token's `iss`, or refuses it; never fetches anything. */
export interface IssuerRouter {
  route(iss: unknown): Route;
}

/**
 * Routes on `iss` by exact, case-sensitive match: exact issuers first (a Map, so no `iss` such as
 * `__proto__` or `constructor` can reach an object member), then templates in the order given,
 * each anchored at both ends around one tenant-id segment and held to its `tenants`.
 */
export function issuerRouter(entries: readonly ResolvedEntry[]): IssuerRouter {
  const exact = new Map<string, ResolvedEntry>();
  for (const entry of entries) if (entry.template === undefined) exact.set(entry.issuer, entry);
  const templates = entries.filter((entry) => entry.template !== undefined);
  return {
    route(iss) {
      if (iss === undefined) throw issuerMissing();
      if (typeof iss !== 'string') throw issuerRefused('The "iss" claim must be a string.');
      const entry = exact.get(iss);
      if (entry !== undefined) return { entry, iss, tenant: undefined };
      let outsideTenants = false;
      for (const candidate of templates) {
        const tenant = tenantOf(candidate.template!, iss);
        if (tenant === undefined) continue;
        if (candidate.tenants === undefined || candidate.tenants.has(tenant))
          return { entry: candidate, iss, tenant };
        outsideTenants = true;
      }
      throw issuerRefused(
        `The token's "iss" ${quote(iss)} is ${outsideTenants ? 'a tenant outside "tenants"' : 'none of the issuers (compared exactly)'}.`,
      );
    },
  };
}

/**
 * The token's `iss`, read without verifying anything: it only chooses which issuer's keys and
 * rules apply, and is trusted for nothing else. A malformed token is ERR_TOKEN_MALFORMED here,
 * with the same words the core verifier would use.
 */
export function unverifiedIssuer(token: unknown): unknown {
  return parseToken(token).payload.iss;
}

/**
 * After verification: the verified `iss` is the one routed on, and a template's tenant is the
 * token's own `tid` (compared exactly, case included), so a tenant cannot borrow another's issuer.
 */
export function checkRoutedClaims(route: Route, payload: TokenPayload): void {
  if (payload.iss !== route.iss) throw issuerRefused('The verified "iss" is not the routed one.');
  if (route.tenant === undefined) return;
  const { tid } = payload;
  if (tid === undefined) {
    throw new VerificationError(
      'ERR_CLAIM_MISSING',
      'The token has no "tid" claim, which must name its tenant.',
      { claim: 'tid' },
    );
  }
  if (tid !== route.tenant) {
    throw new VerificationError(
      'ERR_CLAIM_INVALID',
      'The token\'s "tid" claim is not the tenant its "iss" names.',
      { claim: 'tid' },
    );
  }
}

function issuerMissing(): VerificationError {
  return new VerificationError(
    'ERR_CLAIM_MISSING',
    'The token has no "iss" claim, which picks its issuer.',
    { claim: 'iss' },
  );
}

function issuerRefused(message: string): VerificationError {
  return new VerificationError('ERR_CLAIM_INVALID', message, { claim: 'iss' });
}

// An `iss` comes from the token: quote enough of it to recognise, not a page of it.
function quote(iss: string): string {
  return JSON.stringify(iss.length > 100 ? `${iss.slice(0, 100)}…` : iss);
}
