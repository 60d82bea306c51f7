import { isTenantId, issuerTemplate, type IssuerTemplate } from '../../lib/issuer-template.js';
import { discovery } from '../../keys/discovery.js';
import type { KeySource } from '../../keys/source.js';
import {
  resolveOptions,
  type VerifierOptions,
  type VerifierOptionsBase,
} from '../../verify/options.js';
import { memoryStore } from '../../stores/memory.js';

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
  extends TokenRules, Pick<VerifierOptionsBase, 'clock' | 'cache' | 'memo' | 'onEvent'> {
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
}

export interface ResolvedIssuers {
  readonly entries: ResolvedEntry[];
  readonly maxIssuers: number;
  /** How many verified tokens' routes to remember (as many as one entry's memo). */
  readonly memoMax: number;
  readonly onEvent: VerifierOptions['onEvent'];
}

const RULES = [
  'audience',
  'algorithms',
  'subject',
  'typ',
  'leeway',
  'requiredClaims',
  'maxTokenAge',
  'clockSkew',
] as const;
const SHARED = ['clock', 'cache', 'memo', 'onEvent'] as const;
const TOP_LEVEL = new Set<string>(['issuers', 'maxIssuers', ...RULES, ...SHARED]);
const PER_ENTRY = new Set<string>(['issuer', 'keys', 'tenants', ...RULES]);

/** Checks `issuers` and every entry at creation: a mistake is a TypeError now, never a refusal later. */
export function resolveIssuers(options: SeveralIssuersOptions): ResolvedIssuers {
  if (options.keys !== undefined || options.issuer !== undefined) {
    throw new TypeError(
      'createMultiIssuerVerifier: "issuers" replaces "issuer" and "keys": set them per entry',
    );
  }
  for (const name of Object.keys(options)) {
    if (!TOP_LEVEL.has(name))
      throw new TypeError(`createMultiIssuerVerifier: unknown option "${name}"`);
  }
  const { issuers } = options;
  if (!Array.isArray(issuers) || issuers.length === 0)
    throw new TypeError('createMultiIssuerVerifier: "issuers" must be a non-empty array');
  // One store for every entry: an entry whose state was dropped finds its key set there again.
  const shared = { ...copyDefined(options, SHARED), cache: options.cache ?? memoryStore() };
  const rules = copyDefined(options, RULES);
  const seen = new Set<string>();
  const entries = issuers.map((entry, index) => {
    const resolved = resolveEntry(entry, index, { ...shared, ...rules });
    if (seen.has(resolved.issuer))
      throw new TypeError(
        `createMultiIssuerVerifier: issuers[${index}] repeats ${resolved.issuer}`,
      );
    seen.add(resolved.issuer);
    return resolved;
  });
  return {
    entries,
    maxIssuers: checkMaxIssuers(options.maxIssuers),
    memoMax: options.memo === false ? 0 : (options.memo?.max ?? 1000), // checked per entry
    onEvent: options.onEvent,
  };
}

function resolveEntry(entry: unknown, index: number, inherited: object): ResolvedEntry {
  const where = `createMultiIssuerVerifier: issuers[${index}]`;
  if (typeof entry !== 'object' || entry === null)
    throw new TypeError(`${where} must be an object`);
  for (const name of Object.keys(entry)) {
    if (!PER_ENTRY.has(name)) throw new TypeError(`${where}: unknown option "${name}"`);
  }
  const { issuer, keys, tenants } = entry as IssuerEntry;
  if (typeof issuer !== 'string' || issuer === '')
    throw new TypeError(`${where}: "issuer" must be a non-empty string`);
  const template = templateOf(issuer, where);
  if (template !== undefined && keys === undefined) {
    throw new TypeError(
      `${where}: a {tenantid} issuer needs "keys", the key set its tenants share`,
    );
  }
  const options: VerifierOptions = {
    ...(inherited as Omit<VerifierOptions, 'keys' | 'audience'>),
    ...copyDefined(entry as IssuerEntry, RULES),
    keys: keys ?? discovery(issuer),
    // A template's `iss` is matched by the router, which then holds `tid` to the tenant.
    issuer: template === undefined ? issuer : null,
  } as VerifierOptions;
  try {
    resolveOptions(options);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new TypeError(`${where} (${issuer}): ${error.message.replace(/^createVerifier: /, '')}`);
  }
  return { issuer, template, tenants: checkTenants(tenants, template, where), options };
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

function checkMaxIssuers(value: unknown): number {
  if (value === undefined) return 100;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new TypeError('createMultiIssuerVerifier: "maxIssuers" must be a positive whole number');
  return value;
}

/** The named options that are set (exactOptionalPropertyTypes: absent, not undefined). */
function copyDefined<T extends object>(from: T, names: readonly string[]): Partial<T> {
  const copy: Record<string, unknown> = {};
  for (const name of names) {
    const value = (from as Record<string, unknown>)[name];
    if (value !== undefined) copy[name] = value;
  }
  return copy as Partial<T>;
}
