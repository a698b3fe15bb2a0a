import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's `chromium` package; CHROMIUM_PATH names another build. Nothing here downloads a browser. */
const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** What keeps the browser tests from running here: no Chromium where they look for one; `undefined` when there is. */
export function missingChromium(): string | undefined {
  const executable = process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM;
  return existsSync(executable) ? undefined : `there is no Chromium at ${executable} (CHROMIUM_PATH names another)`;
}

/**
 * Headless Chromium with a fresh profile. The background-networking flags matter on a closed network: without them
 * Chromium keeps trying to reach Google's update, sync and safe-browsing services.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(path.join(tmpdir(), 'broker-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
