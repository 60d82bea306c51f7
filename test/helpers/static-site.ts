import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { closeServer, listenOnLoopback } from './loopback.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
};

export interface StaticSite {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves files on 127.0.0.1 for browser tests: `files` maps a URL path to a file path, and
 * `folders` lets through any path under one of these prefixes, read relative to `root`.
 */
export async function serveStatic(
  root: string,
  files: Record<string, string>,
  folders: string[] = [],
): Promise<StaticSite> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const underFolder = folders.some((p) => path.startsWith(p)) && !path.includes('..');
    const file = files[path] ?? (underFolder ? path.slice(1) : undefined);
    if (file === undefined) return void res.writeHead(404).end();
    try {
      const body = readFileSync(join(root, file));
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'text/plain' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return {
    url: await listenOnLoopback(server),
    close: () => closeServer(server),
  };
}
