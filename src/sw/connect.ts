import { toSeconds, type Duration } from '../lib/duration.js';
import { CHANNEL, type VaultReply, type VaultRequest, type VaultStatus } from './protocol.js';

/** Why `connectTokenVault` refused: the page must then not hold tokens itself (docs/vault.md). */
export type VaultConnectReason = 'unsupported' | 'not-controlled' | 'timeout';

/** The Error `connectTokenVault` rejects with; recognise it by `name` and `reason`. */
export interface VaultConnectError extends Error {
  /** Always `'TokenVaultError'`. */
  name: 'TokenVaultError';
  /** Why there is no vault for this page. */
  reason: VaultConnectReason;
}

/** Options of {@link connectTokenVault}. */
export interface ConnectVaultOptions {
  /** How long a first visit waits for the worker to take control. @default 10 (seconds) */
  timeout?: Duration;
  /** The registration's scope. @default the worker script's folder */
  scope?: string;
  /** The worker script's type. @default 'module' */
  type?: 'module' | 'classic';
  /** How often the page pings the worker so the browser keeps it (and its tokens). @default 20 (seconds) */
  keepAlive?: Duration;
}

/** The page's handle on the vault: claims and control, never a token. */
export interface PageVault {
  /** Verified claims of the kept tokens, or `{ state: 'signedOut' }`. */
  status(): Promise<VaultStatus>;
  /** Forgets every token the vault holds. */
  signOut(): Promise<void>;
  /** Announces the nonce of the sign-in about to be exchanged: the ID token must carry it. */
  expectNonce(nonce: string): Promise<void>;
  /** Stops keeping the worker awake (the page is done with the vault). */
  disconnect(): void;
}

const CALLER = 'connectTokenVault';
const REPLY_TIMEOUT_MS = 5000;

/**
 * Registers the vault's service worker, waits until it controls this page, and keeps it awake
 * while the page is open.
 *
 * Security: on a rejection, do not fall back to holding tokens in the page: tell the user, or
 * reload (`not-controlled` after a hard reload), and sign in once the vault is there.
 *
 * @example
 * const vault = await connectTokenVault('/sw.js');
 * await vault.expectNonce(nonce); // before the page exchanges its code through the worker
 * const { state, claims } = await vault.status();
 */
export async function connectTokenVault(
  url: string,
  options: ConnectVaultOptions = {},
): Promise<PageVault> {
  const timeoutMs = toSeconds(options.timeout ?? 10, `${CALLER}: "timeout"`) * 1000;
  const pingMs = toSeconds(options.keepAlive ?? 20, `${CALLER}: "keepAlive"`) * 1000;
  const container = (globalThis as { navigator?: Navigator }).navigator?.serviceWorker;
  if (container === undefined || globalThis.isSecureContext !== true)
    throw refusal(
      'unsupported',
      'this page cannot run service workers (a secure context is needed)',
    );
  // An active worker that existed before this page loaded and does not control it (a hard
  // reload, Shift+F5) will not take it over: say so at once rather than wait.
  const before = await container.getRegistration();
  await container.register(url, {
    type: options.type ?? 'module',
    ...(options.scope === undefined ? {} : { scope: options.scope }),
  });
  if (container.controller === null && before?.active != null)
    throw refusal('not-controlled', 'the vault does not control this page (reload it)');
  await controlled(container, timeoutMs);
  const ping = setInterval(() => void ask(container, { channel: CHANNEL, type: 'ping' }), pingMs);
  return {
    status: async () => (await ask(container, { channel: CHANNEL, type: 'status' })).status!,
    signOut: async () => void (await ask(container, { channel: CHANNEL, type: 'signOut' })),
    expectNonce: async (nonce) => {
      if (typeof nonce !== 'string' || nonce === '')
        throw new TypeError('vault.expectNonce(nonce): the nonce must be a non-empty string');
      await ask(container, { channel: CHANNEL, type: 'expectNonce', nonce });
    },
    disconnect: () => clearInterval(ping),
  };
}

function controlled(container: ServiceWorkerContainer, timeoutMs: number): Promise<void> {
  if (container.controller !== null) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      container.removeEventListener('controllerchange', done);
      reject(refusal('timeout', `the vault took no control within ${timeoutMs / 1000}s`));
    }, timeoutMs);
    function done(): void {
      clearTimeout(timer);
      resolve();
    }
    container.addEventListener('controllerchange', done, { once: true });
  });
}

/** One request to the worker that controls the page, answered on its own port. */
function ask(
  container: ServiceWorkerContainer,
  request: VaultRequest,
): Promise<VaultReply & { ok: true }> {
  const worker = container.controller;
  if (worker === null)
    return Promise.reject(refusal('not-controlled', 'the vault no longer controls this page'));
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      port1.close();
      reject(new Error(`${CALLER}: the vault did not answer "${request.type}" within 5s`));
    }, REPLY_TIMEOUT_MS);
    port1.onmessage = ({ data }: MessageEvent<VaultReply>) => {
      clearTimeout(timer);
      port1.close();
      if (data?.ok === true) resolve(data);
      else reject(new Error(`${CALLER}: ${data?.error ?? 'the vault refused'}`));
    };
    worker.postMessage(request, [port2]);
  });
}

function refusal(reason: VaultConnectReason, why: string): VaultConnectError {
  const error = new Error(`${CALLER}: ${why}.`) as VaultConnectError;
  error.name = 'TokenVaultError';
  error.reason = reason;
  return error;
}
