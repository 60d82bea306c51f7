// Reading a resource server's WWW-Authenticate challenge (RFC 9110 §11.6.1, RFC 6750 §3,
// RFC 9728 §5.1) on the client side: only the few parameters the attach side acts on.

// auth-param = token "=" ( token / quoted-string ); the scheme before the first one is skipped.
const PARAM = /([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+))/g;

/** The challenge's auth-params by lower-cased name, the first of each kept. */
export function challengeParams(response: Response): Map<string, string> {
  const params = new Map<string, string>();
  const header = response.headers.get('www-authenticate') ?? '';
  for (const [, name, quoted, bare] of header.matchAll(PARAM)) {
    const key = name!.toLowerCase();
    if (!params.has(key)) params.set(key, quoted?.replace(/\\(.)/g, '$1') ?? bare!);
  }
  return params;
}

/** RFC 9728 §5.1: a 401 naming the resource's metadata URL, resolved against the request's. */
export function resourceMetadataOf(response: Response, requestUrl: string): string | undefined {
  if (response.status !== 401) return undefined;
  const named = challengeParams(response).get('resource_metadata');
  if (named === undefined) return undefined;
  try {
    return new URL(named, requestUrl).href;
  } catch {
    return undefined;
  }
}

/** Whether a 401 asks for a token at all (a Bearer or DPoP challenge). */
export const asksForToken = (response: Response): boolean =>
  response.status === 401 &&
  /^\s*(bearer|dpop)\b/i.test(response.headers.get('www-authenticate') ?? '');

/**
 * RFC 6750 §3.1: a 401 or 403 `error="insufficient_scope"` with the `scope` the request needs,
 * as words; undefined for any other answer.
 */
export function insufficientScopeOf(response: Response): string[] | undefined {
  if (response.status !== 401 && response.status !== 403) return undefined;
  const params = challengeParams(response);
  if (params.get('error') !== 'insufficient_scope') return undefined;
  const words = (params.get('scope') ?? '').split(' ').filter((w) => w !== '');
  return words.length === 0 ? undefined : words;
}
