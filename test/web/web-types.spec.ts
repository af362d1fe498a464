import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { generateWebTypes, WEB_TYPES_FILE } from '../../infra/web-types/web-types.js';

describe('the web page types', () => {
  it('are what the API routes return today: a server change the page does not follow fails here (npm run web:types)', async () => {
    const committed = await readFile(WEB_TYPES_FILE, 'utf8');
    expect(await generateWebTypes()).toBe(committed);
  }, 120_000);
});
