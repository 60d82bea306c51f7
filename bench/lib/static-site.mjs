// A static server on 127.0.0.1 for the Chromium page (after test/helpers/static-site.ts). It sends
// COOP/COEP so the page is cross-origin isolated: Chromium then coarsens performance.now() to 5 µs
// instead of 100 µs.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript' };
const ISOLATED = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/**
 * `pages` maps a URL path to { type, body }; any other path under one of `folders` is read from
 * `root`.
 */
export async function serveStatic(root, pages, folders) {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (pages[path])
      return void res
        .writeHead(200, { ...ISOLATED, 'content-type': pages[path].type })
        .end(pages[path].body);
    if (!folders.some((p) => path.startsWith(p)) || path.includes('..'))
      return void res.writeHead(404).end();
    try {
      const body = readFileSync(join(root, path.slice(1)));
      res
        .writeHead(200, { ...ISOLATED, 'content-type': TYPES[extname(path)] ?? 'text/plain' })
        .end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
