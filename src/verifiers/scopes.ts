import { NQCHARS } from '../lib/syntax.js';
import type { TokenPayload } from '../token/compact.js';
import type { Fail } from './fail.js';

/** What one call requires of the token's `scope`, checked and normalised. */
export interface ScopeRule {
  /** Every one must be granted. */
  all: string[];
  /** At least one must be granted (when given). */
  any?: string[];
}

/**
 * Reads `scopes` / `anyScope` of a verify call. `anyScope` is a list (at least one of them), or
 * `true` to make `scopes` alternatives. A scope is a non-empty word without spaces (RFC 6749
 * §3.3), so a typo such as `'read write'` is a TypeError, not a check that never passes.
 */
export function readScopeRule(scopes: unknown, anyScope: unknown): ScopeRule {
  const all = scopes === undefined ? [] : scopeList(scopes, 'scopes');
  if (anyScope === undefined || anyScope === false) return { all };
  if (anyScope === true) {
    if (all.length === 0)
      throw new TypeError('verify(token, { anyScope: true }) needs the scopes to choose from');
    return { all: [], any: all };
  }
  const any = scopeList(anyScope, 'anyScope');
  if (any.length === 0)
    throw new TypeError('verify(token, { anyScope }): an empty list can never be satisfied');
  return { all, any };
}

function scopeList(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && NQCHARS.test(s))) {
    throw new TypeError(
      `verify(token, { ${name} }) must be an array of scope names (no spaces: ['read', 'write'])`,
    );
  }
  return value as string[];
}

/**
 * RFC 9068 §2.2.3 / RFC 8693 §4.2: `scope` is one string of space-separated scope names, and a
 * grant is a whole word (`read` is not granted by `read:all`).
 */
export function checkScopes(payload: TokenPayload, rule: ScopeRule, fail: Fail): void {
  if (rule.all.length === 0 && rule.any === undefined) return;
  const { scope } = payload;
  if (scope === undefined)
    fail('ERR_CLAIM_MISSING', 'scope', 'The access token has no "scope", but this call needs one.');
  if (typeof scope !== 'string')
    return fail('ERR_CLAIM_INVALID', 'scope', 'The access token\'s "scope" is not a string.');
  const granted = new Set(scope.split(' '));
  const lacking = rule.all.filter((s) => !granted.has(s));
  if (lacking.length > 0) {
    fail(
      'ERR_CLAIM_INVALID',
      'scope',
      `The access token lacks the scope${lacking.length > 1 ? 's' : ''} ${lacking.join(', ')} this call requires.`,
    );
  }
  if (rule.any !== undefined && !rule.any.some((s) => granted.has(s))) {
    fail(
      'ERR_CLAIM_INVALID',
      'scope',
      `The access token has none of the scopes this call accepts (${rule.any.join(', ')}).`,
    );
  }
}
