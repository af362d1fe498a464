import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/*
 * What `npm run build` puts in dist/ runs in production: test helpers (anything that imports Jest) stay
 * out of it. tsconfig.build.json leaves out the spec files and names each helper that lives beside the
 * code it tests; this test finds every such helper and fails when one is not left out.
 */
test('every file in apps/ and libs/ that imports Jest is left out of the production build', () => {
  const tracked = execFileSync('git', ['ls-files', 'apps', 'libs'], { encoding: 'utf8' }).split('\n');
  const helpers = tracked.filter(
    (file) =>
      /\.tsx?$/.test(file) && !file.endsWith('.spec.ts') && /from '@jest\/globals'/.test(readFileSync(file, 'utf8')),
  );
  const build = JSON.parse(readFileSync('tsconfig.build.json', 'utf8')) as { exclude: string[] };
  expect(helpers.length).toBeGreaterThan(0);
  expect(helpers.filter((file) => !build.exclude.includes(file))).toEqual([]);
});
