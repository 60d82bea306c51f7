import { toSeconds, type Duration } from '../lib/duration.js';
import type { Verifier } from '../verify/verifier.js';
import type { IdTokenVerifier } from '../verifiers/id-token/verifier.js';
import {
  readResources,
  resourceUrl,
  type Resource,
  type ResourceEntry,
} from '../http/resources.js';

/** Options of {@link createTokenVault}. */
export interface TokenVaultOptions {
  /**
   * Verifies every access token before it is kept and again before each send. Its keys live in
   * the worker's memory by default; an `indexedDbStore()` shared with pages can be written by page
   * script, so pair it with `pins` if you use one here.
   */
  verifier: Pick<Verifier, 'verify'>;
  /** Token endpoint URLs whose answers the vault captures (origin and path; query ignored). */
  tokenEndpoints: string[];
  /** Which token goes where (see "Resources"): exact origin, path prefix on `/`, longest match. */
  resources?: ResourceEntry[];
  /** Origins (scheme, host, port) that get the access token, compared exactly. No default. */
  allowedOrigins?: string[];
  /** Verifies the ID token of each answer (with the nonce the page announced); else it is dropped. */
  idTokens?: Pick<IdTokenVerifier, 'verify'>;
  /** Renew an expired access token with a `refresh_token` grant at the first token endpoint. */
  refresh?: {
    /** Sent as `client_id` with each `refresh_token` grant (a public client, RFC 6749 §6). */
    clientId: string;
  };
  /** The longest a token endpoint answer (body included) may take. @default 10 (seconds) */
  timeout?: Duration;
  /** The fetch the worker sends with. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** The options, checked. */
export interface VaultConfig {
  verifier: Pick<Verifier, 'verify'>;
  endpoints: { origin: string; path: string; url: string }[];
  resources: Resource[];
  origins: ReadonlySet<string>;
  idTokens: Pick<IdTokenVerifier, 'verify'> | undefined;
  refreshClientId: string | undefined;
  timeoutMs: number;
  fetch: typeof fetch;
}

const CALLER = 'createTokenVault';
const KNOWN = new Set<string>([
  'verifier',
  'tokenEndpoints',
  'resources',
  'allowedOrigins',
  'idTokens',
  'refresh',
  'timeout',
  'fetch',
]);

/** Checks the options: every mistake is a TypeError that names createTokenVault. */
export function readVaultOptions(options: TokenVaultOptions): VaultConfig {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`${CALLER} needs an options object`);
  for (const name of Object.keys(options))
    if (!KNOWN.has(name))
      throw new TypeError(`${CALLER}: unknown option "${name}"; known: ${[...KNOWN].join(', ')}`);
  const { verifier, idTokens, refresh } = options;
  if (typeof verifier?.verify !== 'function')
    throw new TypeError(`${CALLER}: "verifier" must come from createVerifier()`);
  if (idTokens !== undefined && typeof idTokens?.verify !== 'function')
    throw new TypeError(`${CALLER}: "idTokens" must come from createIdTokenVerifier()`);
  if (refresh !== undefined && (typeof refresh?.clientId !== 'string' || refresh.clientId === ''))
    throw new TypeError(`${CALLER}: "refresh" must be { clientId: 'your-client-id' }`);
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  if (typeof fetchFn !== 'function') throw new TypeError(`${CALLER}: "fetch" must be a function`);
  const resources = readResources(options.resources, CALLER);
  const origins = originsOf(options.allowedOrigins);
  if (resources.length === 0 && origins.size === 0)
    throw new TypeError(
      `${CALLER}: say where the token may go: "resources" or "allowedOrigins" (the vault has no default)`,
    );
  return {
    verifier,
    endpoints: endpointsOf(options.tokenEndpoints),
    resources,
    origins,
    idTokens,
    refreshClientId: refresh?.clientId,
    timeoutMs: toSeconds(options.timeout ?? 10, `${CALLER}: "timeout"`) * 1000,
    fetch: fetchFn,
  };
}

function endpointsOf(value: unknown): VaultConfig['endpoints'] {
  if (!Array.isArray(value) || value.length === 0)
    throw new TypeError(
      `${CALLER}: "tokenEndpoints" must list the token endpoint URLs, e.g. ['https://idp.example.com/oauth/token']`,
    );
  return value.map((url: unknown) => {
    const parsed = typeof url === 'string' ? resourceUrl(url) : undefined;
    if (parsed === undefined)
      throw new TypeError(
        `${CALLER}: token endpoint ${JSON.stringify(url)} must be an absolute https: URL (http: only on loopback)`,
      );
    return { ...parsed, url: url as string };
  });
}

function originsOf(value: unknown): Set<string> {
  if (value === undefined) return new Set();
  if (!Array.isArray(value))
    throw new TypeError(`${CALLER}: "allowedOrigins" must be an array of origins`);
  return new Set(
    value.map((entry: unknown) => {
      const parsed = typeof entry === 'string' ? resourceUrl(entry) : undefined;
      if (parsed === undefined || parsed.origin !== (entry as string).replace(/\/$/, ''))
        throw new TypeError(
          `${CALLER}: ${JSON.stringify(entry)} is not an origin such as 'https://api.example.com'`,
        );
      return parsed.origin;
    }),
  );
}
