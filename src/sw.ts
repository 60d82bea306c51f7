export {
  createTokenVault,
  type TokenVault,
  type VaultFetchEvent,
  type VaultMessageEvent,
} from './sw/vault.js';
export type { TokenVaultOptions } from './sw/options.js';
export {
  connectTokenVault,
  type ConnectVaultOptions,
  type PageVault,
  type VaultConnectError,
  type VaultConnectReason,
} from './sw/connect.js';
export type { VaultStatus } from './sw/protocol.js';
export type { ResourceEntry } from './http/resources.js';
