import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';

/** How the provider answers: normally, not at all (a hung server), or 503 (an outage). */
export type ProviderMode = 'ok' | 'hang' | 'unavailable';

/** A real OpenID provider (oidc-provider) on 127.0.0.1, with its request log and an off switch. */
export interface RunningProvider {
  readonly issuer: string;
  readonly provider: Provider;
  /** Its RS256 signing key, made in this run (to forge tokens "signed with its key" in tests). */
  readonly privateKey: CryptoKey;
  readonly kid: string;
  /** Paths of the requests it received, in order. */
  readonly requests: string[];
  mode: ProviderMode;
  stop(): Promise<void>;
}

/**
 * Starts oidc-provider on a free 127.0.0.1 port with a fresh RS256 key (`kid` as given) and the
 * configuration given (clients, features, ttl); cookies keys and a findAccount are provided.
 */
export async function startOidcProvider(
  kid: string,
  configuration: Configuration = {},
): Promise<RunningProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  const server = createServer();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    findAccount: (_ctx: unknown, accountId: string) => ({
      accountId,
      claims: () => ({ sub: accountId }),
    }),
    ...configuration,
  });
  const callback = provider.callback();
  const running: RunningProvider = {
    issuer,
    provider,
    privateKey,
    kid,
    requests: [],
    mode: 'ok',
    async stop() {
      for (const res of hanging) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    running.requests.push(new URL(req.url ?? '/', issuer).pathname);
    if (running.mode === 'hang') return void hanging.add(res);
    if (running.mode === 'unavailable') return void res.writeHead(503).end('down');
    callback(req, res);
  });
  return running;
}
