import { assertProtected } from './plain-http.js';
import { readPins } from './pins.js';
import type { RemoteSourceOptions } from './source.js';

/** How a remote source may trust what it fetches: pins, and whether plain http was accepted. */
export interface Trust {
  readonly pins: ReadonlySet<string> | undefined;
  /** Pins, a signed set or `insecure: true`: plain http to another host is allowed. */
  readonly guarded: boolean;
}

/**
 * Reads `pins` and `insecure` at creation and applies the plain-http rule to `url`; a signed
 * set (`signedJwks`) is guarded by its anchors.
 */
export function readTrust(
  options: RemoteSourceOptions,
  url: URL,
  factory: string,
  signed = false,
): Trust {
  const pins = readPins(options?.pins, factory);
  const insecure = options?.insecure;
  if (insecure !== undefined && typeof insecure !== 'boolean')
    throw new TypeError(`${factory}: insecure must be true or false`);
  const guarded = signed || pins !== undefined || insecure === true;
  assertProtected(url, guarded, factory);
  return { pins, guarded };
}
