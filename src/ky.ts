export { withVerifiedToken, verifiedTokenHooks } from './http/ky.js';
export type { VerifiedTokenOptions, TokenResult } from './http/attach.js';
export type { ResourceEntry, TokenContext } from './http/resources.js';
