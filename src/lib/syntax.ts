/**
 * One or more NQCHARs (%x21 / %x23-5B / %x5D-7E): a DPoP nonce (RFC 9449 §8.1) and a scope
 * token (RFC 6749 §3.3) alike, so neither can smuggle a quote, a backslash or a space into a
 * header.
 */
export const NQCHARS = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * The `cnf.jkt` (RFC 9449 §6.1) a payload names, or undefined: the thumbprint of the key a
 * DPoP-bound token is bound to. Read the same way wherever a binding is checked.
 */
export function boundThumbprint(payload: unknown): unknown {
  const cnf = (payload as { cnf?: unknown } | null)?.cnf;
  return typeof cnf === 'object' && cnf !== null ? (cnf as { jkt?: unknown }).jkt : undefined;
}
