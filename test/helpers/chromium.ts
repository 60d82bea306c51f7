import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether real-browser tests can run here. In CI a missing Chromium is a failure (said loudly),
 * never a silent pass; on a developer machine the tests are skipped with a warning.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does).`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n*** SKIPPING browser tests. ${message}\n`);
  return false;
}

/**
 * Debian's Chromium, headless, with a fresh profile and no background traffic (the network here
 * is closed). `extraArgs`: more switches, e.g. `--host-resolver-rules` for a non-secure origin.
 */
export async function launchChromium(extraArgs: string[] = []): Promise<{
  context: BrowserContext;
  close: () => Promise<void>;
}> {
  const profile = mkdtempSync(join(tmpdir(), 'tokenward-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
