import { isTenantId, issuerTemplate, type IssuerTemplate } from '../../lib/issuer-template.js';
import { discovery } from '../../keys/discovery.js';
import type { KeySource } from '../../keys/source.js';
import { optionsObject, readOption, refuseUnknown, type OptionRow } from '../../lib/options.js';
import {
  resolveOptions,
  type VerifierOptions,
  type VerifierOptionsBase,
} from '../../verify/options.js';
import { CORE_OPTIONS, takenBy } from '../../verify/option-table.js';

/**
 * The rules a token is checked by: given once for every issuer, and overridable per entry.
 *
 * @example
 * { audience: 'api://my-api', typ: 'at+jwt', leeway: '5s' }
 */
export interface TokenRules extends Pick<
  VerifierOptionsBase,
  'algorithms' | 'subject' | 'typ' | 'leeway' | 'requiredClaims' | 'maxTokenAge' | 'clockSkew'
> {
  /** `aud` must contain one of these; `null` skips the check explicitly. Required, here or in every entry. */
  audience?: string | string[] | null;
}

/**
 * One issuer a verifier with `issuers` accepts.
 *
 * @example
 * { issuer: 'https://acme.eu.auth0.com/' } // keys: discovery(issuer)
 * {
 *   issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0',
 *   keys: jwks('https://login.microsoftonline.com/common/discovery/v2.0/keys'),
 *   tenants: ['5f1c2a3b-0d4e-4f60-8a7b-9c0d1e2f3a4b'],
 * }
 */
export interface IssuerEntry extends TokenRules {
  /**
   * The exact `iss` (case-sensitive, trailing slash included), or one with a single
   * `{tenantid}` path segment: `https://login.microsoftonline.com/{tenantid}/v2.0`.
   */
  issuer: string;
  /** Where this issuer's keys come from; required for a template. @default discovery(issuer) */
  keys?: KeySource;
  /** Template entries only: the tenant ids accepted; any other is refused before any request. */
  tenants?: string[];
}

/**
 * Options of `createMultiIssuerVerifier`: `issuers` replaces `keys` and `issuer`. The
 * token's unverified `iss` picks the entry by exact match before any key is fetched; an `iss`
 * that picks none is refused with no request. A `{tenantid}` entry also requires the verified
 * `tid` to be the tenant its `iss` names.
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
 */
export interface SeveralIssuersOptions
  extends TokenRules, Pick<VerifierOptionsBase, 'clock' | 'cache' | 'memo' | 'onEvent' | 'crypto'> {
  /** The issuers accepted; the token's unverified `iss` picks one before any key is fetched. */
  issuers: IssuerEntry[];
  /** How many issuers' state (key set in memory, memo) is kept; least recently used dropped. @default 100 */
  maxIssuers?: number;
  /** Not here: each entry of `issuers` names its keys. */
  keys?: undefined;
  /** Not here: each entry of `issuers` names its issuer. */
  issuer?: undefined;
}

/** One entry after checking: its options are ready for the core verifier. */
export interface ResolvedEntry {
  readonly issuer: string;
  /** Set for a `{tenantid}` template. */
  readonly template: IssuerTemplate | undefined;
  readonly tenants: ReadonlySet<string> | undefined;
  /** Checked already: creating a core verifier with them does not throw. */
  readonly options: VerifierOptions;
  /** How TypeErrors about this entry name it. */
  readonly where: string;
}

export interface ResolvedIssuers {
  readonly entries: ResolvedEntry[];
  readonly maxIssuers: number;
  /** How many verified tokens' routes to remember (as many as one entry's memo). */
  readonly memoMax: number;
  readonly onEvent: VerifierOptions['onEvent'];
}

const TOP_LEVEL = takenBy('createMultiIssuerVerifier');
const ENTRY_OPTIONS = takenBy('issuers[]');
/** The rules an entry may override; the rest of the top level is shared as it is. */
const RULES = ENTRY_OPTIONS.filter((name) => TOP_LEVEL.includes(name));
const SHARED = TOP_LEVEL.filter(
  (name) => !RULES.includes(name) && name !== 'issuers' && name !== 'maxIssuers',
);
const M = 'createMultiIssuerVerifier';

/** Checks `issuers` and every entry at creation: a mistake is a TypeError now, never a refusal later. */
export function resolveIssuers(options: SeveralIssuersOptions): ResolvedIssuers {
  const given = optionsObject(options, M);
  if (given.keys !== undefined || given.issuer !== undefined) {
    throw new TypeError(`${M}: "issuers" replaces "issuer" and "keys": set them per entry`);
  }
  refuseUnknown(given, TOP_LEVEL, M);
  checkShared(given);
  const { issuers } = options;
  if (!Array.isArray(issuers) || issuers.length === 0)
    throw new TypeError(`${M}: "issuers" must be a non-empty array`);
  // One store for every entry: an entry whose state was dropped finds its key set there again.
  const cache = readOption(CORE_OPTIONS.cache, given.cache, M, 'cache');
  const inherited = { ...copyDefined(options, SHARED), cache, ...copyDefined(options, RULES) };
  const seen = new Set<string>();
  const entries = issuers.map((entry, index) => {
    const resolved = resolveEntry(entry, index, inherited);
    if (seen.has(resolved.issuer))
      throw new TypeError(`${M}: issuers[${index}] repeats ${resolved.issuer}`);
    seen.add(resolved.issuer);
    return resolved;
  });
  return {
    entries,
    maxIssuers: readOption(MAX_ISSUERS, given.maxIssuers, M, 'maxIssuers')!,
    memoMax: readOption(CORE_OPTIONS.memo, given.memo, M, 'memo')!,
    onEvent: options.onEvent,
  };
}

/** The options given once for every entry, checked once, in the name of the function called. */
function checkShared(given: Record<string, unknown>): void {
  for (const name of [...SHARED, ...RULES]) {
    const row = (CORE_OPTIONS as Record<string, OptionRow<unknown>>)[name];
    if (row !== undefined && given[name] !== undefined) row.check(given[name], M, name);
  }
}

function resolveEntry(entry: unknown, index: number, inherited: object): ResolvedEntry {
  const at = `${M}: issuers[${index}]`;
  if (typeof entry !== 'object' || entry === null) throw new TypeError(`${at} must be an object`);
  refuseUnknown(entry, ENTRY_OPTIONS, at);
  const { issuer, keys, tenants } = entry as IssuerEntry;
  if (typeof issuer !== 'string' || issuer === '')
    throw new TypeError(`${at}: "issuer" must be a non-empty string`);
  const template = templateOf(issuer, at);
  if (template !== undefined && keys === undefined) {
    throw new TypeError(`${at}: a {tenantid} issuer needs "keys", the key set its tenants share`);
  }
  const options: VerifierOptions = {
    ...(inherited as Omit<VerifierOptions, 'keys' | 'audience'>),
    ...copyDefined(entry as IssuerEntry, RULES),
    keys: keys ?? discovery(issuer),
    // A template's `iss` is matched by the router, which then holds `tid` to the tenant.
    issuer: template === undefined ? issuer : null,
  } as VerifierOptions;
  const where = `${at} (${issuer})`;
  resolveOptions(options, M, {}, where);
  return { issuer, template, tenants: checkTenants(tenants, template, at), options, where };
}

function templateOf(issuer: string, where: string): IssuerTemplate | undefined {
  if (!/[{}]/.test(issuer)) return undefined;
  const template = issuerTemplate(issuer);
  if (template === undefined) {
    throw new TypeError(
      `${where}: put exactly one "{tenantid}" in the issuer, as a whole path segment (https://host/{tenantid}/v2.0)`,
    );
  }
  return template;
}

function checkTenants(
  tenants: unknown,
  template: IssuerTemplate | undefined,
  where: string,
): ReadonlySet<string> | undefined {
  if (tenants === undefined) return undefined;
  if (template === undefined)
    throw new TypeError(`${where}: "tenants" applies only to an issuer with {tenantid}`);
  if (!Array.isArray(tenants) || tenants.length === 0 || !tenants.every(isTenantId)) {
    throw new TypeError(
      `${where}: "tenants" must be a non-empty array of tenant ids (A-Z a-z 0-9 -)`,
    );
  }
  return new Set(tenants);
}

const MAX_ISSUERS: OptionRow<number> = {
  default: 100,
  check(value, caller) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      throw new TypeError(`${caller}: "maxIssuers" must be a positive whole number`);
    return value;
  },
};

/** The named options that are set (exactOptionalPropertyTypes: absent, not undefined). */
function copyDefined<T extends object>(from: T, names: readonly string[]): Partial<T> {
  const copy: Record<string, unknown> = {};
  for (const name of names) {
    const value = (from as Record<string, unknown>)[name];
    if (value !== undefined) copy[name] = value;
  }
  return copy as Partial<T>;
}
