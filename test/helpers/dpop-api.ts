import { createServer, type IncomingMessage, type Server } from 'node:http';
import { isVerificationError, type DpopVerifier } from '../../src/index.js';
import { closeServer, listenOnLoopback } from './loopback.js';

export interface DpopCall {
  path: string;
  method: string;
  authorization: string | undefined;
  dpop: string | undefined;
  body: string;
  status: number;
}

/**
 * A real API on 127.0.0.1 that checks every request with a `createDpopVerifier` (set by the
 * test), answering as RFC 9449 §7.1 and §9 say: 401 `WWW-Authenticate: DPoP` with
 * `error="use_dpop_nonce"` and a `DPoP-Nonce` header, or `invalid_token`. Under `/token` it plays
 * an authorization server: 400 `{"error":"use_dpop_nonce"}` until the proof carries its nonce.
 */
export class DpopApi {
  calls: DpopCall[] = [];
  verifier: DpopVerifier | undefined;
  tokenEndpointNonce: string | undefined;
  url = '';
  private server: Server = createServer((req, res) => {
    void this.read(req).then(async (body) => {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
        'access-control-allow-headers': 'authorization, dpop, content-type',
        'access-control-expose-headers': 'dpop-nonce, www-authenticate',
      };
      if (req.method === 'OPTIONS') return void res.writeHead(204, headers).end();
      const call: DpopCall = {
        path: req.url ?? '/',
        method: req.method ?? 'GET',
        authorization: req.headers.authorization,
        dpop: req.headers.dpop as string | undefined,
        body,
        status: 0,
      };
      this.calls.push(call);
      const answer = (status: number, json: unknown) => {
        call.status = status;
        res.writeHead(status, headers).end(JSON.stringify(json));
      };
      if (call.path.startsWith('/token')) {
        const nonce = this.tokenEndpointNonce;
        const sent = call.dpop === undefined ? undefined : proofClaims(call.dpop).nonce;
        if (nonce !== undefined && sent !== nonce) {
          headers['dpop-nonce'] = nonce;
          return answer(400, { error: 'use_dpop_nonce' });
        }
        return answer(200, { access_token: 'issued', body });
      }
      try {
        const { payload, jkt } = await this.verifier!.verify({
          method: call.method,
          url: `${this.url}${call.path}`,
          headers: req.headers,
        });
        const nonce = await this.verifier!.nonce();
        if (nonce !== undefined) headers['dpop-nonce'] = nonce;
        answer(200, { sub: payload.sub, jkt, body });
      } catch (error) {
        if (!isVerificationError(error)) throw error;
        if (error.code === 'ERR_DPOP_NONCE_REQUIRED') {
          headers['dpop-nonce'] = error.nonce!;
          headers['www-authenticate'] = 'DPoP error="use_dpop_nonce", error_description="nonce"';
        } else {
          headers['www-authenticate'] =
            `DPoP error="${error.code === 'ERR_DPOP_INVALID' ? 'invalid_dpop_proof' : 'invalid_token'}"`;
        }
        answer(401, { code: error.code, claim: error.claim ?? null });
      }
    });
  });

  async start(): Promise<this> {
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  reset(): void {
    this.calls = [];
    this.tokenEndpointNonce = undefined;
  }

  private read(req: IncomingMessage): Promise<string> {
    return new Promise((resolve) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => resolve(text));
    });
  }
}

/** The claims of a proof (or any JWS), unverified: for assertions on what was sent. */
export function proofClaims(jws: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

export function proofHeader(jws: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString()) as Record<
    string,
    unknown
  >;
}
