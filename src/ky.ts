export { withVerifiedToken, verifiedTokenHooks } from './http/ky.js';
export type { VerifiedTokenOptions, TokenResult } from './http/attach.js';
