import { fetchDocument } from '../keyset/transport.js';
import type { FetchLike } from '../keys/policy.js';
import { asksForToken, resourceMetadataOf } from './challenge.js';
import { matchResource, mismatch, resourceUrl, type Resource } from './resources.js';

// RFC 9728 metadata is a small JSON object; key documents get 512 KiB, this one much less.
const MAX_METADATA_BYTES = 64 * 1024;
const METADATA_TIMEOUT_MS = 5000;

/** Resources learned from their RFC 9728 metadata (`discover: true`). */
export interface Discovery {
  /** The learned resources still fresh now. */
  fresh(): Resource[];
  /**
   * From a 401 to a request of no known resource: the resource its metadata names, or
   * undefined when the answer asks for no token; rejects with ERR_RESOURCE_MISMATCH when the
   * document cannot be read or names another resource than the request's URL belongs to.
   */
  learn(response: Response, requestUrl: string): Promise<Resource | undefined>;
}

interface Learned {
  resource: Resource;
  freshUntil: number;
}

/** One fetch per metadata URL at a time; a document kept while its `max-age` lasts. */
export function createDiscovery(fetch: FetchLike | undefined, now = Date.now): Discovery {
  const known = new Map<string, Learned>();
  const inFlight = new Map<string, Promise<Learned>>();
  const load = (url: string): Promise<Learned> => {
    let loading = inFlight.get(url);
    if (loading === undefined) {
      loading = readMetadata(url, fetch, now).finally(() => inFlight.delete(url));
      inFlight.set(url, loading);
    }
    return loading;
  };
  return {
    fresh() {
      const at = now();
      for (const [url, learned] of known) if (learned.freshUntil <= at) known.delete(url);
      return [...known.values()].map((learned) => learned.resource);
    },
    async learn(response, requestUrl) {
      const named = resourceMetadataOf(response, requestUrl);
      if (named === undefined && !asksForToken(response)) return undefined;
      const url = named ?? new URL('/.well-known/oauth-protected-resource', requestUrl).href;
      if (resourceUrl(url) === undefined)
        throw mismatch('resource', 'the resource metadata URL is not https: (or loopback http:)');
      const learned = await load(url);
      // RFC 9728 §3.3: the document must be about the resource this request went to.
      if (matchResource([learned.resource], requestUrl) === undefined)
        throw mismatch(
          'resource',
          `its metadata names another resource, ${learned.resource.resource}`,
        );
      if (learned.freshUntil > now()) known.set(url, learned);
      return learned.resource;
    },
  };
}

async function readMetadata(
  url: string,
  fetch: FetchLike | undefined,
  now: () => number,
): Promise<Learned> {
  let document: unknown;
  let maxAge: number | undefined;
  try {
    const answer = await fetchDocument(
      { url, accept: 'application/json', maxBytes: MAX_METADATA_BYTES },
      { timeoutMs: METADATA_TIMEOUT_MS, retry: 0, headers: {}, fetch },
      now,
    );
    document = JSON.parse(answer.body);
    maxAge = answer.maxAge;
  } catch (error) {
    throw mismatch('resource', 'the resource metadata could not be read (RFC 9728)', error);
  }
  return { resource: resourceOf(document), freshUntil: now() + (maxAge ?? 0) * 1000 };
}

/** RFC 9728 §2: `resource` (required) and `authorization_servers` (the issuers to accept). */
function resourceOf(document: unknown): Resource {
  const { resource, authorization_servers: servers } = (document ?? {}) as Record<string, unknown>;
  const url = typeof resource === 'string' ? resourceUrl(resource) : undefined;
  if (url === undefined)
    throw mismatch('resource', 'the resource metadata has no https: "resource"');
  if (
    servers !== undefined &&
    (!Array.isArray(servers) || !servers.every((s) => typeof s === 'string'))
  )
    throw mismatch('resource', 'the resource metadata "authorization_servers" is not a list');
  return {
    ...url,
    resource: resource as string,
    scopes: undefined,
    issuers: servers as string[] | undefined,
  };
}
