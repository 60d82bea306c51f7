export { createVerifier, type Verifier, type VerifiedToken } from './verify/verifier.js';
export { createMultiIssuerVerifier } from './verifiers/issuers/verifier.js';
export type { Algorithm, VerifierOptions, VerifierOptionsBase } from './verify/options.js';
export type {
  SeveralIssuersOptions,
  IssuerEntry,
  TokenRules,
} from './verifiers/issuers/options.js';
export {
  VerificationError,
  isVerificationError,
  type VerificationErrorCode,
  type VerificationErrorOptions,
} from './lib/errors.js';
export { decode, type DecodedToken } from './token/decode.js';
export type { TokenHeader } from './token/header.js';
export type { TokenPayload } from './token/compact.js';
export type { Duration } from './lib/duration.js';
export type { VerifierEvent } from './lib/events.js';
export { jwks } from './keys/jwks.js';
export { discovery } from './keys/discovery.js';
export { pem, type PemOptions } from './keys/pem.js';
export { localJwks } from './keys/local.js';
export type { DiscoveryKeySource, KeySource, RemoteSourceOptions } from './keys/source.js';
export type { PublicJwk } from './lib/jwk.js';
export type { DigestName, SignatureProvider } from './crypto/provider.js';
export { memoryStore } from './stores/memory.js';
export { webStorage, type WebStorageLike } from './stores/web-storage.js';
export { kvStore, type KvLike } from './stores/kv.js';
export { indexedDbStore } from './stores/indexed-db.js';
export { cacheApiStore } from './stores/cache-api.js';
export { redisStore, type RedisLike } from './stores/redis.js';
export { denoKvStore, type DenoKvLike } from './stores/deno-kv.js';
export type { KeyStore, StoredKeySet, SourceMeta } from './stores/types.js';
export { createFetch, type VerifiedFetchOptions } from './http/fetch.js';
export type { VerifiedTokenOptions, TokenResult } from './http/attach.js';
export type { ResourceEntry, TokenContext } from './http/resources.js';
export {
  createIdTokenVerifier,
  type IdTokenVerifier,
  type IdTokenVerifierOptions,
  type OpenIdProviderOptions,
  type IdTokenChecks,
} from './verifiers/id-token/verifier.js';
export {
  createAccessTokenVerifier,
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type AccessTokenChecks,
} from './verifiers/access-token.js';
export {
  createLogoutTokenVerifier,
  BACKCHANNEL_LOGOUT_EVENT,
  type LogoutTokenVerifier,
  type LogoutTokenVerifierOptions,
  type VerifiedLogout,
} from './verifiers/logout-token.js';
export { handleLogoutRequest } from './verifiers/logout-request.js';
export {
  memoryReplayStore,
  type ReplayStore,
  type MemoryReplayStoreOptions,
} from './stores/memory-replay.js';
export {
  createDpop,
  type Dpop,
  type DpopOptions,
  type DpopAlgorithm,
  type ProofOptions,
} from './dpop/client.js';
export { indexedDbDpopStore, memoryDpopStore, type DpopKeyStore } from './dpop/key-store.js';
export {
  createDpopVerifier,
  type DpopVerifier,
  type DpopVerifierOptions,
  type DpopVerifiedToken,
} from './dpop/verifier.js';
export type { DpopRequest } from './dpop/request.js';
export {
  protectResource,
  type ProtectResourceOptions,
  type ProtectedResource,
  type ProtectChecks,
  type ProtectResult,
} from './resource/protect.js';
export { redisReplayStore, type RedisSetLike } from './stores/redis-replay.js';
export { denoKvReplayStore, type DenoKvAtomicLike } from './stores/deno-kv-replay.js';
