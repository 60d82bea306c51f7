import { encodeBase64url } from '../lib/base64url.js';

const PREFIX = 'tokenward-vault-';
const SHAPE = /^tokenward-vault-[A-Za-z0-9_-]{32}$/;

/**
 * A stand-in the page holds instead of a token: random, opaque and not JWT-shaped (no dots), so
 * nothing that parses tokens mistakes it for one, and new for each sign-in.
 */
export function newPlaceholder(): string {
  return PREFIX + encodeBase64url(crypto.getRandomValues(new Uint8Array(24)));
}

/** Whether a string has a placeholder's shape (one of this sign-in or of an earlier one). */
export const looksLikePlaceholder = (text: string): boolean => SHAPE.test(text);
