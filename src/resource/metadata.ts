// RFC 9728 §2 and §3: the protected resource's metadata document and where it is served.

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/** What the document says about the resource. */
export interface MetadataFields {
  resource: string;
  authorizationServers: readonly string[];
  scopes: readonly string[];
  dpopAlgorithms: readonly string[] | undefined;
  bearer: boolean;
}

/** RFC 9728 §3.1: the well-known URI goes between the host and the resource's path. */
export function metadataUrlOf(resource: URL): string {
  const path = resource.pathname.replace(/\/+$/, '');
  return `${resource.origin}${WELL_KNOWN}${path}`;
}

/** The document as JSON text: it never changes, so it is built once. */
export function metadataDocument(fields: MetadataFields): string {
  return JSON.stringify({
    resource: fields.resource,
    authorization_servers: fields.authorizationServers,
    ...(fields.scopes.length > 0 ? { scopes_supported: fields.scopes } : {}),
    bearer_methods_supported: ['header'],
    ...(fields.dpopAlgorithms === undefined
      ? {}
      : { dpop_signing_alg_values_supported: fields.dpopAlgorithms }),
  });
}

/**
 * The metadata answer for a GET (or HEAD) of the metadata path, whatever the host the request
 * came in on (behind a proxy the public name may differ); undefined for any other request.
 */
export function metadataResponse(
  request: Request,
  path: string,
  text: string,
): Response | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  let pathname: string;
  try {
    pathname = new URL(request.url).pathname;
  } catch {
    return undefined;
  }
  if (pathname !== path) return undefined;
  return new Response(request.method === 'HEAD' ? null : text, {
    headers: {
      'content-type': 'application/json',
      'cache-control': 'max-age=3600',
      // Public by design (RFC 9728 §2): a browser app on another origin reads it.
      'access-control-allow-origin': '*',
    },
  });
}
