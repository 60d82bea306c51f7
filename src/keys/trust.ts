import { assertProtected } from './plain-http.js';
import type { RemotePolicy } from './source.js';

/** How a remote source may trust what it fetches: pins, and whether plain http was accepted. */
export interface Trust {
  readonly pins: ReadonlySet<string> | undefined;
  /** Pins, a signed set or `insecure: true`: plain http to another host is allowed. */
  readonly guarded: boolean;
}

/**
 * Applies the plain-http rule to `url` at creation, from the checked `pins` and `insecure`
 * options (rows of the remote options table); a signed set (`signedJwks`) is guarded by its
 * anchors.
 */
export function readTrust(
  policy: Pick<RemotePolicy, 'pins' | 'insecure'>,
  url: URL,
  factory: string,
  signed = false,
): Trust {
  const { pins } = policy;
  const guarded = signed || pins !== undefined || policy.insecure;
  assertProtected(url, guarded, factory);
  return { pins, guarded };
}
