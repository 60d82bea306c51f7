import type { TokenPayload } from '../token/compact.js';
import { withAuthorization } from '../http/attach.js';
import { exchange, isTokenEndpoint } from './exchange.js';
import { readVaultOptions, type TokenVaultOptions } from './options.js';
import { looksLikePlaceholder } from './placeholder.js';
import { readRequest, type VaultReply, type VaultRequest } from './protocol.js';
import { renew } from './refresh.js';
import { statusOf, type Session } from './session.js';
import { checkFits, targetOf, type Target } from '../http/resources.js';

/** The part of a service worker's `FetchEvent` the vault uses. */
export interface VaultFetchEvent {
  /** The request a controlled page (or the worker's scope) made. */
  readonly request: Request;
  /** Answers the request instead of the network. */
  respondWith(response: Response | Promise<Response>): void;
}

/** The part of a service worker's `ExtendableMessageEvent` the vault uses. */
export interface VaultMessageEvent {
  /** What the page sent; the vault's own messages are marked, anything else is left alone. */
  readonly data: unknown;
  /** The port the answer goes back on. */
  readonly ports: readonly MessagePort[];
  /** Keeps the worker alive until the answer is sent. */
  waitUntil?(promise: Promise<unknown>): void;
}

/** What `createTokenVault` returns: wire both into the worker's event listeners. */
export interface TokenVault {
  /** Handles a `fetch` event; true when the vault answers it, false when it goes out untouched. */
  handle(event: VaultFetchEvent): boolean;
  /** Handles a `message` event from a page; false for a message that is not the vault's. */
  message(event: VaultMessageEvent): boolean;
}

/**
 * The service worker half of the vault: captures token endpoint answers, verifies their tokens
 * and keeps them in the worker's memory, hands the page placeholders, and attaches the access
 * token (re-checked before each send) to requests for `resources` or `allowedOrigins` only.
 *
 * Security: tokens live in this worker's memory only and are gone when the browser stops it;
 * script in the page can still unregister the worker and run a sign-in of its own (see
 * docs/vault.md). A token that fails verification is never kept and never sent.
 *
 * @example
 * // sw.js
 * const vault = createTokenVault({
 *   verifier: createVerifier({ keys: discovery('https://idp.example.com'), audience: 'https://api.example.com' }),
 *   tokenEndpoints: ['https://idp.example.com/oauth/token'],
 *   resources: [{ url: 'https://api.example.com/', resource: 'https://api.example.com' }],
 *   idTokens: createIdTokenVerifier({ issuer: 'https://idp.example.com', clientId: 'my-spa' }),
 *   refresh: { clientId: 'my-spa' },
 * });
 * self.addEventListener('install', () => self.skipWaiting());
 * self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
 * self.addEventListener('fetch', (event) => vault.handle(event));
 * self.addEventListener('message', (event) => vault.message(event));
 */
export function createTokenVault(options: TokenVaultOptions): TokenVault {
  const config = readVaultOptions(options);
  let session: Session | undefined;
  let refreshing: Promise<Session | undefined> | undefined;
  let nonces: readonly string[] = [];

  // One grant for every request that finds the token expired; a sign-out or a new sign-in
  // meanwhile wins over its result.
  const refreshed = (from: Session): Promise<Session | undefined> => {
    refreshing ??= renew(config, from).then((next) => {
      refreshing = undefined;
      if (session === from) session = next;
      return session;
    });
    return refreshing;
  };

  // The kept session with its access token verified now, renewed once if it no longer verifies;
  // undefined (and signed out) when nothing verifies.
  const live = async (): Promise<[Session, TokenPayload] | undefined> => {
    let current = session;
    for (let attempt = 0; current?.accessToken !== undefined; attempt++) {
      try {
        return [current, (await config.verifier.verify(current.accessToken)).payload];
      } catch {
        if (attempt > 0) break;
        current = await refreshed(current);
      }
    }
    if (session === current) session = undefined;
    return undefined;
  };

  const send = async (request: Request, target: Target, presented?: string) => {
    const found = await live();
    const token = found !== undefined && fits(found, target, presented) ? found[0] : undefined;
    return config.fetch(withAuthorization(request, token?.accessToken));
  };

  const capture = async (request: Request): Promise<Response> => {
    const result = await exchange(config, request, session, nonces);
    if (result.usedNonce !== undefined) nonces = nonces.filter((n) => n !== result.usedNonce);
    if (result.session !== undefined) session = result.session;
    return result.response;
  };

  const answer = async (request: VaultRequest): Promise<VaultReply> => {
    if (request.type === 'signOut') [session, nonces] = [undefined, []];
    if (request.type === 'expectNonce') nonces = [...nonces.slice(-7), request.nonce];
    if (request.type !== 'status') return { ok: true };
    return { ok: true, status: statusOf((await live())?.[0]) };
  };

  return {
    handle(event) {
      const { request } = event;
      if (isTokenEndpoint(config, request.url)) {
        event.respondWith(capture(request));
        return true;
      }
      const target = targetOf(request.url, config.resources, (o) => config.origins.has(o));
      const presented = presentedOf(request);
      // Navigations and no-cors requests cannot carry Authorization; another scheme or a
      // credential that is not a placeholder is the app's own: all go out as sent.
      if (target === undefined || request.mode === 'navigate' || request.mode === 'no-cors')
        return false;
      if (presented === false || (presented === undefined && session === undefined)) return false;
      event.respondWith(send(request, target, presented));
      return true;
    },
    message(event) {
      const request = readRequest(event.data);
      if (request === undefined) return false;
      const work = answer(request).then(
        (reply) => event.ports[0]?.postMessage(reply),
        () => event.ports[0]?.postMessage({ ok: false, error: 'the vault failed' }),
      );
      event.waitUntil?.(work);
      return true;
    },
  };
}

/**
 * The placeholder a request presents as `Authorization: Bearer …`; undefined for no
 * Authorization at all; false for any other credential (left to the app).
 */
function presentedOf(request: Request): string | undefined | false {
  const header = request.headers.get('authorization');
  if (header === null) return undefined;
  const match = /^Bearer +(\S+)$/i.exec(header.trim());
  return match !== null && looksLikePlaceholder(match[1]!) ? match[1]! : false;
}

/**
 * The token goes only where it fits (the "Resources" rules), and only for the placeholder of this
 * sign-in: one of an earlier sign-in (a worker that was stopped) gets nothing.
 */
function fits([session, payload]: [Session, TokenPayload], target: Target, presented?: string) {
  if (presented !== undefined && presented !== session.placeholders.access) return false;
  try {
    if (target.entry !== undefined) checkFits(payload, target.entry);
    return true;
  } catch {
    return false;
  }
}
