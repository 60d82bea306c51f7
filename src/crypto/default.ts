import type { SignatureProvider } from './provider.js';
import { webCrypto } from './webcrypto.js';

/**
 * The provider a verifier uses when it is given no `crypto`: WebCrypto. The package's `node`,
 * `deno` and `bun` export conditions get a build where ./default-node.ts (node:crypto, same
 * contract) takes this file's place; browsers and Workers keep this one.
 */
export function defaultCrypto(caller: string): SignatureProvider {
  if (typeof globalThis.crypto?.subtle?.verify !== 'function') {
    throw new TypeError(
      `${caller}: WebCrypto (crypto.subtle) is missing here. Browsers have it only in secure contexts ` +
        '(https:// or http://localhost); elsewhere pass `crypto: portableCrypto` from "tokenward/portable".',
    );
  }
  return webCrypto as SignatureProvider;
}
