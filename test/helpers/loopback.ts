import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on a free port of `host` (loopback only) and resolves with the server's origin. */
export async function listenOnLoopback(server: Server, host = '127.0.0.1'): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

/** Closes the server and every connection it still holds (a hanging test request included). */
export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
