import { ScriptedServer } from '../helpers/scripted-server.js';

/** One scripted answer of the key server. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A real HTTP server on 127.0.0.1 that plays, per path, a script of answers in order (the last
 * one repeats), and records which ones it played. Built on the shared ScriptedServer (CORS
 * headers included, so happy-dom's fetch may read it).
 */
export class AnswerServer {
  private scripts = new Map<string, { answers: Answer[]; played: Answer[] }>();
  private server = new ScriptedServer();

  constructor() {
    this.server.fallback = (req, res) => {
      const script = this.scripts.get(new URL(req.url ?? '/', this.url).pathname);
      if (script === undefined) return void res.writeHead(404).end();
      const answer = script.answers[Math.min(script.played.length, script.answers.length - 1)]!;
      script.played.push(answer);
      res.writeHead(answer.status, answer.headers).end(answer.body);
    };
  }

  get url(): string {
    return this.server.url;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** Sets the script of `path`; returns the list the server appends each played answer to. */
  script(path: string, answers: Answer[]): Answer[] {
    const played: Answer[] = [];
    this.scripts.set(path, { answers, played });
    return played;
  }
}
