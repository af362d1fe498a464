import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository (or image) root: the nearest folder above this file with a package.json. This file
 * runs from apps/api/src/web (tests) and from dist/apps/api/src/web (npm start), so the root is
 * found rather than counted.
 */
export function projectRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** Where `npm run build:web` (Vite, apps/web/vite.config.ts) writes the page. */
export const webAssetsDir = (): string => join(projectRoot(), 'dist', 'web');
