import { VerificationError } from '../lib/errors.js';
import type { TokenPayload } from '../token/compact.js';

// ADAPTER (issue 23, "Resources: which token goes where"). The shared matcher is being built in
// src/http/resources.ts on the `resources` branch and has not landed on main yet. This file holds
// the smallest copy of its rules the vault needs, under the same names and signatures
// (readResources, targetOf, checkFits), so that when it lands this file becomes three re-exports
// from '../http/resources.js' and nothing else in src/sw changes. Do not grow it.

/** One API and the token it takes (RFC 8707): see "Resources" in the docs. */
export interface ResourceEntry {
  /** Absolute `https:` (or `http:` on loopback) URL: its origin exactly, its path and below. */
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

/** Where a request is going, and the resource it belongs to (none: an allowed origin). */
export interface Target {
  readonly url: string;
  readonly entry: Resource | undefined;
}

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
        `${where}: "url" must be an absolute https: URL (http: only on loopback)`,
      );
    if (typeof entry.resource !== 'string' || entry.resource === '')
      throw new TypeError(`${where}: "resource" must be the API's resource indicator`);
    const words = (list: unknown, name: string) => {
      if (list === undefined) return undefined;
      if (!Array.isArray(list) || !list.every((s) => typeof s === 'string' && /^\S+$/.test(s)))
        throw new TypeError(`${where}: "${name}" must be an array of non-empty strings`);
      return [...(list as string[])];
    };
    return {
      ...url,
      resource: entry.resource,
      scopes: words(entry.scopes, 'scopes'),
      issuers: words(entry.issuers, 'issuers'),
    };
  });
}

/** The origin and path prefix of an absolute https: (or loopback http:) URL, or undefined. */
export function resourceUrl(text: string): { origin: string; path: string } | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const loopback = /^(localhost|\[::1\]|127(\.\d{1,3}){3})$/.test(url.hostname);
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
  if (!secure || url.username !== '' || url.password !== '') return undefined;
  return { origin: url.origin, path: url.pathname.replace(/\/+$/, '') };
}

/**
 * The target of a request, or undefined when it gets no token: the entry with the same origin and
 * the longest path covering the URL's on a `/` boundary; else the origin itself when allowed and
 * no entry is on it.
 */
export function targetOf(
  url: string,
  entries: readonly Resource[],
  allowedOrigin: (origin: string) => boolean,
): Target | undefined {
  let origin: string;
  let path: string;
  try {
    ({ origin, pathname: path } = new URL(url));
  } catch {
    return undefined;
  }
  let best: Resource | undefined;
  for (const entry of entries) {
    if (entry.origin !== origin) continue;
    if (path !== entry.path && !path.startsWith(`${entry.path}/`)) continue;
    if (best === undefined || entry.path.length > best.path.length) best = entry;
  }
  if (best !== undefined) return { url, entry: best };
  if (!allowedOrigin(origin) || entries.some((entry) => entry.origin === origin)) return undefined;
  return { url, entry: undefined };
}

/** A verified token may go to `entry` only if it was minted for it (RFC 8707 §2, RFC 9068 §4). */
export function checkFits(payload: TokenPayload, entry: Resource): void {
  const { aud, scope, iss } = payload;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  const granted = new Set(typeof scope === 'string' ? scope.split(' ') : []);
  const claim = !audiences.includes(entry.resource)
    ? 'aud'
    : (entry.scopes ?? []).some((s) => !granted.has(s))
      ? 'scope'
      : entry.issuers !== undefined && !entry.issuers.includes(iss as string)
        ? 'iss'
        : undefined;
  if (claim !== undefined)
    throw new VerificationError(
      'ERR_CLAIM_INVALID',
      `The token was not sent: its "${claim}" does not fit ${entry.resource}.`,
      { claim },
    );
}
