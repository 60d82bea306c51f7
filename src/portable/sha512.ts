// Loaded on first use (see ./hash.ts): an app that only ever needs SHA-256 never fetches these.
export { sha384, sha512 } from '@noble/hashes/sha2.js';
