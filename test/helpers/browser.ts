/**
 * A real browser for tests: Debian's `chromium` (never a downloaded one) driven by playwright-core,
 * headless, with screenshots written under `test-artifacts/` (gitignored).
 *
 * @example
 * const chromium = chromiumPath();
 * if (chromium === undefined) return t.skip(NO_CHROMIUM);
 * const browser = await launchChromium(chromium);
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './cli.ts';

/** Why a browser test is skipped on a machine without chromium. */
export const NO_CHROMIUM =
  'chromium is not installed (Debian: apt-get install -y chromium; .ci/run does it): browser test skipped';

/** The path of the `chromium` on PATH (or $CHROMIUM), or undefined when there is none. */
export function chromiumPath(): string | undefined {
  const env = process.env.CHROMIUM;
  if (env !== undefined && env !== '') return existsSync(env) ? env : undefined;
  try {
    const out = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
    return out === '' ? undefined : out;
  } catch (err) {
    if ((err as { status?: number }).status === 1) return undefined; // not found
    throw err;
  }
}

/** Launches headless chromium at `executablePath`, without network side-channels. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const emptied = new Set<string>();

/**
 * Where this run's screenshots go: `test-artifacts/<name>/` under the repository root, emptied the
 * first time a test process asks for it, so that it holds this run's screenshots only.
 */
export function artifactDir(name: string): string {
  const dir = join(ROOT, 'test-artifacts', name);
  if (!emptied.has(dir)) {
    rmSync(dir, { recursive: true, force: true });
    emptied.add(dir);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Saves a full-page screenshot as `<dir>/<step>.png` and returns its path. */
export async function screenshot(page: Page, dir: string, step: string): Promise<string> {
  const path = join(dir, `${step}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Waits until the app shows the page of the address bar's route: `<main>` is no longer busy and
 * its `data-route` is the current hash (a click on a link changes the hash before the old page
 * goes, so its content alone does not tell which page it is).
 */
export async function routeShown(page: Page, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    () => {
      // runs in the page; this project's Node lib has no DOM types
      const { document, location } = globalThis as unknown as InPage;
      const main = document.querySelector('main');
      return (
        main !== null &&
        !main.hasAttribute('aria-busy') &&
        main.getAttribute('data-route') === location.hash
      );
    },
    null,
    { timeout },
  );
}

/** The little of the DOM that `routeShown` reads. */
interface InPage {
  document: {
    querySelector(selector: string): {
      hasAttribute(name: string): boolean;
      getAttribute(name: string): string | null;
    } | null;
  };
  location: { hash: string };
}
