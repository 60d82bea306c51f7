/** The one placeholder an issuer template may hold (Microsoft Entra's spelling). */
export const TENANT_PLACEHOLDER = '{tenantid}';

/** An issuer with one `{tenantid}` path segment, split around it. */
export interface IssuerTemplate {
  /** Everything before the placeholder: `scheme://authority/` and whole path segments. */
  readonly prefix: string;
  /** Everything after it: empty, or `/` and the rest of the path. */
  readonly suffix: string;
}

// A tenant id is one path segment: a GUID or a short name. Only letters, digits and '-', so no
// '/', '.', '..', '%'-escape, '?' or '#' can make one issuer's segment reach into another path.
const TENANT_ID = /^[A-Za-z0-9-]{1,64}$/;
// The placeholder must be a whole path segment after the authority, never in the host: a
// template must not let a token choose the server that vouches for it.
const PREFIX = /^https?:\/\/[^/?#{}\s]+\/(?:[^/?#{}\s]+\/)*$/;
const SUFFIX = /^(?:\/[^?#{}\s]*)?$/;

/**
 * Whether `value` is a tenant id: a GUID or 1 to 64 of `A-Z a-z 0-9 -`. Compared elsewhere
 * exactly, case included: `5F1C…` and `5f1c…` are different tenants.
 */
export function isTenantId(value: unknown): value is string {
  return typeof value === 'string' && TENANT_ID.test(value);
}

/**
 * Splits an issuer around its one `{tenantid}` placeholder; undefined when it holds none, more
 * than one, or one that is not a whole path segment of an http(s) URL.
 */
export function issuerTemplate(issuer: string): IssuerTemplate | undefined {
  const at = issuer.indexOf(TENANT_PLACEHOLDER);
  if (at === -1 || issuer.indexOf(TENANT_PLACEHOLDER, at + 1) !== -1) return undefined;
  const prefix = issuer.slice(0, at);
  const suffix = issuer.slice(at + TENANT_PLACEHOLDER.length);
  return PREFIX.test(prefix) && SUFFIX.test(suffix) ? { prefix, suffix } : undefined;
}

/**
 * The tenant id an issuer names through `template`: `iss` must be exactly prefix + tenant id +
 * suffix (anchored at both ends, case-sensitive), else undefined.
 */
export function tenantOf(template: IssuerTemplate, iss: string): string | undefined {
  const { prefix, suffix } = template;
  if (iss.length <= prefix.length + suffix.length) return undefined;
  if (!iss.startsWith(prefix) || !iss.endsWith(suffix)) return undefined;
  const tenant = iss.slice(prefix.length, iss.length - suffix.length);
  return TENANT_ID.test(tenant) ? tenant : undefined;
}
