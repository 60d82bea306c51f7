// The resource server's answers when a request is refused (RFC 6750 §3, RFC 9728 §5.1,
// RFC 9449 §7.1): a WWW-Authenticate challenge per accepted scheme, `no-store`, never a token.

/** What went wrong, for the challenge of the scheme the client used. */
export interface Refusal {
  status: 400 | 401 | 403;
  /** RFC 6750 §3.1 / RFC 9449 §7.1 error code; none when the request had no credentials. */
  error?:
    | 'invalid_request'
    | 'invalid_token'
    | 'insufficient_scope'
    | 'invalid_dpop_proof'
    | 'use_dpop_nonce';
  /** A tokenward error code or a short reason: never anything taken from the token. */
  description?: string;
  /** For insufficient_scope: every scope the route needs. */
  scope?: readonly string[];
  /** The scheme the error belongs to; the other accepted schemes get a bare challenge. */
  scheme?: 'bearer' | 'dpop';
  /** For use_dpop_nonce: sent as the `DPoP-Nonce` header (RFC 9449 §8). */
  nonce?: string;
}

/** Which schemes the resource takes, and where its metadata is. */
export interface ChallengeSetting {
  metadataUrl: string;
  bearer: boolean;
  /** The DPoP proof algorithms, when DPoP is accepted. */
  dpopAlgorithms: readonly string[] | undefined;
}

// RFC 9110 §5.6.4: inside a quoted-string, `"` and `\` are escaped.
const quoted = (value: string): string => `"${value.replace(/["\\]/g, '\\$&')}"`;

/** The 400, 401 or 403 answer for a refusal. */
export function refusalResponse(refusal: Refusal, setting: ChallengeSetting): Response {
  const headers = new Headers({ 'cache-control': 'no-store', 'content-type': 'application/json' });
  for (const challenge of challengesFor(refusal, setting))
    headers.append('www-authenticate', challenge);
  if (refusal.nonce !== undefined) headers.set('dpop-nonce', refusal.nonce);
  const body =
    refusal.error === undefined
      ? {}
      : {
          error: refusal.error,
          ...(refusal.description ? { error_description: refusal.description } : {}),
        };
  return new Response(JSON.stringify(body), { status: refusal.status, headers });
}

function challengesFor(refusal: Refusal, setting: ChallengeSetting): string[] {
  const challenges: string[] = [];
  const params = (scheme: 'bearer' | 'dpop'): string[] => {
    const own = refusal.error !== undefined && (refusal.scheme ?? scheme) === scheme;
    return [
      ...(scheme === 'dpop' ? [`algs=${quoted(setting.dpopAlgorithms!.join(' '))}`] : []),
      ...(own ? [`error=${quoted(refusal.error!)}`] : []),
      ...(own && refusal.description ? [`error_description=${quoted(refusal.description)}`] : []),
      ...(own && refusal.scope ? [`scope=${quoted(refusal.scope.join(' '))}`] : []),
      `resource_metadata=${quoted(setting.metadataUrl)}`,
    ];
  };
  if (setting.dpopAlgorithms !== undefined) challenges.push(`DPoP ${params('dpop').join(', ')}`);
  if (setting.bearer) challenges.push(`Bearer ${params('bearer').join(', ')}`);
  return challenges;
}
