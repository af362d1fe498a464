import { defineConfig } from 'vite';

// The page is served by apps/api at `/` from dist/web (see apps/api/src/web). React's JSX is
// compiled by Vite's own transformer (Oxc): no plugin needed, no dev server in production.
const here = new URL('.', import.meta.url).pathname;

export default defineConfig({
  root: here,
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: new URL('../../dist/web', import.meta.url).pathname,
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
});
