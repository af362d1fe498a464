import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/*
 * Browser tests drive Debian's Chromium (never a downloaded browser) against the real service.
 * Without /usr/bin/chromium they are skipped with a one-line reason, except under CI=true, where
 * that is a failure (.ci/run installs it).
 */

export const CHROMIUM = '/usr/bin/chromium';
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SEED_FILE = fileURLToPath(new URL('../../seeds/collaborations.json', import.meta.url));

export const browserMissing: string | null = existsSync(CHROMIUM)
  ? null
  : `${CHROMIUM} is not installed (apt-get install -y chromium)`;
if (browserMissing && process.env.CI === 'true') throw new Error(`${browserMissing}; CI=true requires it.`);
if (browserMissing) console.warn(`Skipping the browser tests: ${browserMissing}.`);

/** Generous: two cores, and other suites run beside these. */
export const STEP_TIMEOUT_MS = 45_000;

/**
 * Builds the page with Vite's JS API, in a child process so Jest's module system never loads Vite,
 * into a folder of its own, then swaps it in as dist/web: always fresh (never a stale or missing
 * bundle), and a developer's running service sees the old page or the new one, never half of one.
 */
export async function buildWebAssets(): Promise<void> {
  const target = join(REPO_ROOT, 'dist', 'web');
  const fresh = `${target}.build-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  const script = `import { build } from 'vite'; await build({ configFile: 'apps/web/vite.config.ts', logLevel: 'error', build: { outDir: ${JSON.stringify(fresh)} } });`;
  await new Promise<void>((resolve, reject) => {
    // Jest sets NODE_ENV=test, which Vite would honour (React's development build): build as `npm run build:web` does.
    const env = { ...process.env, NODE_ENV: 'production' };
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (${code}): ${stderr}`))));
  });
  await rename(target, old).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  // Another test process may have swapped its own (equally fresh) build in meanwhile: keep that one.
  await rename(fresh, target).catch(() => rm(fresh, { recursive: true, force: true }));
  await rm(old, { recursive: true, force: true });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-extensions',
      '--no-first-run',
      '--lang=en-GB',
    ],
  });
}

const AXE_SOURCE = readFileSync(
  fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url)),
  'utf8',
);

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core in the page (WCAG 2.x A/AA rules) and returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the page's Content-Security-Policy (script-src 'self') stays on.
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<AxeViolation[]>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`,
  );
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
