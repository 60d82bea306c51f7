// tokenward/portable: signature checks where there is no WebCrypto. Named exports only.
export { portableCrypto, type PortableKey } from './portable/provider.js';
export type { DigestName, SignatureProvider } from './crypto/provider.js';
