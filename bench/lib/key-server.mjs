import { createServer } from 'node:http';

/**
 * A JWKS server on 127.0.0.1 that counts requests and notes, with performance.now() (the clock the
 * verifiers in this process are timed with), when each connection and each request arrived.
 */
export async function startJwksServer(jwks) {
  let requests = 0;
  let arrivals = [];
  let connections = [];
  const server = createServer((req, res) => {
    arrivals.push(performance.now());
    requests++;
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' })
      .end(JSON.stringify(jwks));
  });
  server.on('connection', () => connections.push(performance.now()));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/jwks`,
    get requests() {
      return requests;
    },
    /** performance.now() when each request's headers had been read, in order. */
    get arrivals() {
      return arrivals;
    },
    /** performance.now() when each TCP connection was accepted. */
    get connections() {
      return connections;
    },
    reset() {
      requests = 0;
      arrivals = [];
      connections = [];
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
