/**
 * happy-dom 21's Response.clone() loses network bodies, and ky clones every response it hands a
 * hook (tokenward's 400 use_dpop_nonce check clones too). In happy-dom this fetch buffers the body
 * first and keeps the final URL; browsers and Node need no help, so there it is undefined.
 */
export const bufferedFetch =
  typeof window === 'undefined'
    ? undefined
    : async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
        const response = await fetch(input, init);
        const { status, statusText, headers, url } = response;
        const copy = new Response(await response.arrayBuffer(), { status, statusText, headers });
        return Object.defineProperty(copy, 'url', { value: url });
      };

/** ky options that use {@link bufferedFetch} where it is needed. */
export const kyFetchOption: { fetch?: typeof fetch } = bufferedFetch
  ? { fetch: bufferedFetch }
  : {};
