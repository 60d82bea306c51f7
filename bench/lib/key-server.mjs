import { createServer } from 'node:http';

/** A JWKS server on 127.0.0.1 that counts requests. */
export async function startJwksServer(jwks) {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' })
      .end(JSON.stringify(jwks));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/jwks`,
    get requests() {
      return requests;
    },
    reset() {
      requests = 0;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
