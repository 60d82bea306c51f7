import { VerificationError } from '../lib/errors.js';
import type { TokenPayload } from '../token/compact.js';

/**
 * One API and the token it takes (RFC 8707 resource indicators): requests under `url` get only
 * a token whose `aud` holds `resource`, whose `scope` holds every `scopes` word and, with
 * `issuers`, whose `iss` is one of them.
 *
 * @example
 * const resources: ResourceEntry[] = [
 *   { url: 'https://api.example.com/', resource: 'https://api.example.com', scopes: ['profile:read'] },
 *   { url: 'https://files.example.com/v2/', resource: 'https://files.example.com/v2' },
 * ];
 */
export interface ResourceEntry {
  /** Absolute `https:` (or `http:` on loopback) URL: its origin exactly, and its path and below. */
  url: string;
  /** The resource indicator the token's `aud` must contain, compared exactly. */
  resource: string;
  /** Scope words the token's `scope` must all hold. */
  scopes?: string[];
  /** The authorization servers whose tokens this resource takes (`iss`, compared exactly). */
  issuers?: string[];
}

/** An entry, read and checked: the origin and the path prefix (no trailing `/`) it covers. */
export interface Resource {
  readonly origin: string;
  readonly path: string;
  readonly resource: string;
  readonly scopes: readonly string[] | undefined;
  readonly issuers: readonly string[] | undefined;
}

/** What `getToken` and `refresh` are told: which request, and which token it needs. */
export interface TokenContext {
  /** The request's URL. */
  url: string;
  /** The matched resource; undefined for an origin that is only in `allowedOrigins`. */
  resource: string | undefined;
  /** The scopes the token needs; undefined when the resource names none. */
  scopes: string[] | undefined;
}

const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Checks `resources` at creation (TypeError naming `caller`). */
export function readResources(value: unknown, caller: string): Resource[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new TypeError(`${caller}: "resources" must be an array of { url, resource, scopes? }`);
  return value.map((entry: Partial<ResourceEntry>) => {
    const where = `${caller}: resources entry ${JSON.stringify(entry?.url)}`;
    const url = typeof entry?.url === 'string' ? resourceUrl(entry.url) : undefined;
    if (url === undefined)
      throw new TypeError(
        `${where}: "url" must be an absolute https: URL (http: only on loopback), e.g. 'https://api.example.com/'`,
      );
    if (typeof entry.resource !== 'string' || entry.resource === '')
      throw new TypeError(`${where}: "resource" must be the API's resource indicator`);
    return {
      ...url,
      resource: entry.resource,
      scopes: wordsOf(entry.scopes, `${where}: "scopes"`, SCOPE),
      issuers: wordsOf(entry.issuers, `${where}: "issuers"`, /./),
    };
  });
}

function wordsOf(value: unknown, what: string, shape: RegExp): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && shape.test(s)))
    throw new TypeError(`${what} must be an array of non-empty strings (scopes without spaces)`);
  return [...value] as string[];
}

/** The origin and path prefix of an absolute https: (or loopback http:) URL, or undefined. */
export function resourceUrl(text: string): { origin: string; path: string } | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url));
  if (!secure || url.username !== '' || url.password !== '') return undefined;
  return { origin: url.origin, path: url.pathname.replace(/\/+$/, '') };
}

function isLoopback({ hostname }: URL): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * The entry a URL belongs to: the same origin exactly, a path equal to the entry's or below it
 * on a `/` boundary (`/v2` covers `/v2` and `/v2/x`, never `/v2x`); the longest path wins.
 */
export function matchResource(entries: readonly Resource[], url: string): Resource | undefined {
  let origin: string;
  let path: string;
  try {
    ({ origin, pathname: path } = new URL(url));
  } catch {
    return undefined;
  }
  let best: Resource | undefined;
  for (const entry of entries) {
    if (entry.origin !== origin || !covers(entry.path, path)) continue;
    if (best === undefined || entry.path.length > best.path.length) best = entry;
  }
  return best;
}

const covers = (prefix: string, path: string): boolean =>
  path === prefix || path.startsWith(`${prefix}/`);

/** Whether any entry is on this origin (then the entries alone decide for its URLs). */
export const coversOrigin = (entries: readonly Resource[], origin: string): boolean =>
  entries.some((entry) => entry.origin === origin);

/**
 * A verified token may go to `entry` only if it was minted for it (RFC 8707 §2, RFC 9068 §4):
 * `aud` holds the resource, `scope` every needed word, `iss` one of the entry's issuers.
 */
export function checkFits(payload: TokenPayload, entry: Resource, scopes = entry.scopes): void {
  const { aud, scope, iss } = payload;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.includes(entry.resource))
    throw mismatch('aud', `its "aud" does not name ${entry.resource}: get a token for it`);
  const granted = new Set(typeof scope === 'string' ? scope.split(' ') : []);
  const lacking = (scopes ?? []).filter((s) => !granted.has(s));
  if (lacking.length > 0)
    throw mismatch('scope', `it lacks the scope ${lacking.join(' ')}: get a token with it`);
  if (entry.issuers !== undefined && !entry.issuers.includes(iss as string))
    throw mismatch('iss', `its "iss" is not one of the resource's authorization servers`);
}

/** ERR_RESOURCE_MISMATCH for one claim; the token itself never appears. */
export function mismatch(claim: string, why: string, cause?: unknown): VerificationError {
  return new VerificationError('ERR_RESOURCE_MISMATCH', `The token was not sent: ${why}.`, {
    claim,
    cause,
  });
}

/** What `getToken`/`refresh` are told for a request under `entry` (or an allowed origin). */
export function contextOf(
  url: string,
  entry: Resource | undefined,
  extra?: string[],
): TokenContext {
  const scopes =
    entry?.scopes === undefined && extra === undefined
      ? undefined
      : [...new Set([...(entry?.scopes ?? []), ...(extra ?? [])])];
  return { url, resource: entry?.resource, scopes };
}

/** Where a request is going: its URL, and the resource it belongs to (none: an allowed origin). */
export interface Target {
  readonly url: string;
  readonly entry: Resource | undefined;
}

/**
 * The target of a request, or undefined when it gets no token: a static entry first; on an
 * origin no entry covers, a learned resource (`discover`), else the origin itself when allowed.
 */
export function targetOf(
  url: string,
  entries: readonly Resource[],
  allowedOrigin: (origin: string) => boolean,
  learned: readonly Resource[] = [],
): Target | undefined {
  const entry = matchResource(entries, url);
  if (entry !== undefined) return { url, entry };
  const origin = resourceOrigin(url);
  if (origin === undefined || !allowedOrigin(origin) || coversOrigin(entries, origin))
    return undefined;
  return { url, entry: matchResource(learned, url) };
}

function resourceOrigin(url: string): string | undefined {
  try {
    const { origin, protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:' ? origin : undefined;
  } catch {
    return undefined;
  }
}
