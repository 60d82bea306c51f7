import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One scripted answer of the key server. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A real HTTP server on 127.0.0.1 that plays, per path, a script of answers in order (the last
 * one repeats), and records which ones it played. CORS headers let happy-dom's fetch read it.
 */
export class AnswerServer {
  url = '';
  private scripts = new Map<string, { answers: Answer[]; played: Answer[] }>();
  private sockets = new Set<Socket>();
  private server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', this.url).pathname;
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': '*',
      'access-control-expose-headers': 'ETag, Date, Cache-Control, Retry-After',
    };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    const script = this.scripts.get(path);
    if (script === undefined) return void res.writeHead(404, cors).end();
    const answer = script.answers[Math.min(script.played.length, script.answers.length - 1)]!;
    script.played.push(answer);
    res.writeHead(answer.status, { ...cors, ...answer.headers }).end(answer.body);
  });

  async start(): Promise<this> {
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Sets the script of `path`; returns the list the server appends each played answer to. */
  script(path: string, answers: Answer[]): Answer[] {
    const played: Answer[] = [];
    this.scripts.set(path, { answers, played });
    return played;
  }
}
