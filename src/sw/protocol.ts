import type { TokenPayload } from '../token/compact.js';

/** Marks the vault's messages, so an app's own messages to its worker pass by untouched. */
export const CHANNEL = 'tokenward-vault';

/** What a page asks the worker; the answer comes back on the message's port. */
export type VaultRequest =
  | { channel: typeof CHANNEL; type: 'status' }
  | { channel: typeof CHANNEL; type: 'signOut' }
  | { channel: typeof CHANNEL; type: 'ping' }
  | { channel: typeof CHANNEL; type: 'expectNonce'; nonce: string };

/** What `vault.status()` resolves: verified claims, never a token. */
export interface VaultStatus {
  /** Whether the vault holds an access token that verifies (or can be renewed). */
  state: 'signedIn' | 'signedOut';
  /** The access token's verified payload. */
  claims?: TokenPayload;
  /** The ID token's verified payload, when the vault verifies ID tokens (`idTokens`). */
  idClaims?: TokenPayload;
  /** The access token's `exp`, in milliseconds since the epoch. */
  expiresAt?: number;
}

/** The worker's answer: a status, a plain acknowledgement, or a refusal of a malformed request. */
export type VaultReply = { ok: true; status?: VaultStatus } | { ok: false; error: string };

/** Reads an incoming message; undefined for anything that is not the vault's. */
export function readRequest(data: unknown): VaultRequest | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { channel, type, nonce } = data as Record<string, unknown>;
  if (channel !== CHANNEL) return undefined;
  if (type === 'status' || type === 'signOut' || type === 'ping') return { channel, type };
  if (type === 'expectNonce' && typeof nonce === 'string' && nonce !== '')
    return { channel, type, nonce };
  return undefined;
}
