import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateWebTypes, WEB_TYPES_FILE } from './web-types.js';

await mkdir(dirname(WEB_TYPES_FILE), { recursive: true });
await writeFile(WEB_TYPES_FILE, await generateWebTypes());
console.log(`wrote ${WEB_TYPES_FILE}`);
