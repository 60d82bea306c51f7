import { eventEmitter, refuser } from '../../lib/events.js';
import { createMemo } from '../../lib/memo.js';
import { resolveOptions } from '../../verify/options.js';
import { buildFront, type Core } from '../../verify/front.js';
import { createCoreVerifier, type Verifier, type VerifiedToken } from '../../verify/verifier.js';
import { resolveIssuers, type ResolvedEntry, type SeveralIssuersOptions } from './options.js';
import { checkRoutedClaims, issuerRouter, unverifiedIssuer, type Route } from './router.js';

/** Makes the one-issuer verifier an entry delegates to. */
export type CoreFactory = (entry: ResolvedEntry) => Core;

/**
 * Creates a verifier of tokens from several issuers: the token's unverified `iss` picks the
 * entry (by exact match, or a `{tenantid}` template) before any key is fetched, and that entry's
 * own keys, freshness, cooldown and memo verify it. An `iss` that picks no entry is refused with
 * no request.
 *
 * Security: the unverified `iss` only chooses among the issuers given here; a token can never
 * make the verifier fetch keys from a URL it names.
 *
 * @example
 * const verifier = createMultiIssuerVerifier({
 *   issuers: [
 *     { issuer: 'https://acme.eu.auth0.com/' },
 *     { issuer: 'https://login.example.com', keys: jwks('https://login.example.com/keys') },
 *   ],
 *   audience: 'api://my-api',
 * });
 * const { payload } = await verifier.verify(token);
 */
export function createMultiIssuerVerifier(options: SeveralIssuersOptions): Verifier {
  const core = severalIssuers(options, (entry) =>
    createCoreVerifier(resolveOptions(entry.options, 'createMultiIssuerVerifier', {}, entry.where)),
  );
  return buildFront(core);
}

/**
 * @internal A verifier of several issuers: the token's unverified `iss` picks an entry (no
 * request for an `iss` that picks none), the entry's own verifier checks everything with its
 * own keys, freshness, cooldown and memo, and a template's `tid` must be the routed tenant.
 * Each entry's verifier is made on first use and kept among the `maxIssuers` most recently
 * used; one dropped is made again from its options, and finds its key set (and the time of its
 * last fetch, which the cooldown counts from) in the shared `cache` store.
 */
export function severalIssuers(options: SeveralIssuersOptions, createCore: CoreFactory): Core {
  const { entries, maxIssuers, memoMax, onEvent } = resolveIssuers(options);
  const clock = options.clock ?? Date.now;
  const router = issuerRouter(entries);
  // A route is a function of the token's bytes and the configuration, so a verified token's
  // route may be remembered: a repeated token then skips decoding and goes to its entry's memo.
  const routes = memoMax > 0 ? createMemo<Route>(memoMax) : undefined;
  const refuse = refuser(eventEmitter(onEvent));
  const verifiers = createMemo<Core>(maxIssuers);
  const verifierOf = (entry: ResolvedEntry): Core => {
    let verifier = verifiers.get(entry.issuer);
    if (verifier === undefined) verifiers.set(entry.issuer, (verifier = createCore(entry)));
    return verifier;
  };

  const checkRoute = (token: string, route: Route) => (verified: VerifiedToken) => {
    try {
      checkRoutedClaims(route, verified.payload);
    } catch (error) {
      throw refuse(error);
    }
    routes?.set(token, route);
    return verified;
  };

  const routeOf = (token: string): Route =>
    (typeof token === 'string' ? routes?.get(token) : undefined) ??
    router.route(unverifiedIssuer(token));

  return {
    verify(token) {
      let route: Route;
      try {
        route = routeOf(token);
      } catch (error) {
        return Promise.reject(refuse(error));
      }
      return verifierOf(route.entry).verify(token).then(checkRoute(token, route));
    },
    async hydrate() {
      // Every issuer is asked; one that fails does not keep the others from their keys.
      const results = await Promise.allSettled(entries.map((entry) => verifierOf(entry).hydrate()));
      const failed = results.find((result) => result.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    },
    async clear() {
      routes?.clear();
      await Promise.all(entries.map((entry) => verifierOf(entry).clear()));
      verifiers.clear();
    },
    // The time of the entry that verifies the token (API.md "DPoP"); the local clock for a token
    // that routes nowhere, or none.
    timing(token) {
      let route: Route | undefined;
      try {
        route = token === undefined ? undefined : routeOf(token);
      } catch {
        route = undefined;
      }
      return route === undefined ? { now: clock(), leeway: 0 } : verifierOf(route.entry).timing();
    },
    refuse,
  };
}
