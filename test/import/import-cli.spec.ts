import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '#config';
import { createEventStore } from '#event-store';
import { runCli } from '../../apps/cli/src/cli.js';
import { smallSeed, tempSeedFile } from './support.js';

/* `npm run cli -- import <file>` on an embedded PGlite data directory. */

let dataDir: string;
let config: AppConfig;
const files: { dispose(): Promise<void> }[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'import-cli-'));
  config = loadConfig({ DATA_DIR: dataDir });
});
afterAll(async () => {
  await Promise.all(files.map((f) => f.dispose()));
  await rm(dataDir, { recursive: true, force: true });
});

const seedFile = async (content: unknown) => {
  const file = await tempSeedFile(content, 'cli-seed.json');
  files.push(file);
  return file.path;
};

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t), isTTY: false },
    config,
  });
  return { code, out: out.join(''), err: err.join('') };
}

const eventCount = async () => {
  const { store, close } = await createEventStore({ dataDir });
  try {
    return (await store.readAll({ maxCount: 100_000 })).length;
  } finally {
    await close();
  }
};

test('help lists the import command', async () => {
  expect((await cli('help')).out).toMatch(
    /import \[file\]\s+Import collaborations from a seed file \(default seeds\/collaborations\.json\)/,
  );
});

test('imports a file, showing progress on stderr and the summary with the assumptions on stdout; a second run appends nothing', async () => {
  const path = await seedFile(smallSeed());
  const first = await cli('import', path);
  expect(first.code).toBe(0);
  expect(first.err).toBe('import [1/2] umbrella: imported (7 events)\nimport [2/2] unit: imported (6 events)\n');
  expect(first.out).toContain('Agreements: 2 in the file — 2 imported, 0 unchanged, 0 refused, 0 not imported.');
  expect(first.out).toContain('Bodies: 1 in the file — 1 registered, 0 unchanged, 0 already registered, 0 refused.');
  expect(first.out).toContain('Events: 14 appended, 0 replayed');
  expect(first.out).toContain('  - Everything happened on 1 January 2016.\n');
  expect(first.out).toContain('  - No date given: 1 January 2016.\n      for umbrella\n');
  expect(await eventCount()).toBe(14);

  const second = await cli('import', path);
  expect(second.code).toBe(0);
  expect(second.err).toContain('import [2/2] unit: unchanged');
  expect(second.out).toContain('Events: 0 appended, 14 replayed');
  expect(await eventCount()).toBe(14);
  // Two imports, each opening the embedded database on disk: on a loaded 2-core CI machine over 30 s.
}, 120_000);

test('exits 1 and names the record and the domain error when the domain refuses a record', async () => {
  const path = await seedFile(
    smallSeed([
      {
        id: 'bad',
        title: 'Bad',
        sources: ['test'],
        legalBasis: 's22A',
        businessArea: 'dogs',
        deliveryModel: 'host-force',
        parties: ['dorset', 'wiltshire'],
        inForceFrom: '2016-01-01',
      },
    ]),
  );
  const run = await cli('import', path);
  expect(run.code).toBe(1);
  expect(run.err).toContain('bad: refused');
  expect(run.out).toContain(
    'Refused bad (draft): A host-force agreement needs a host force: say which party hosts it. [host-force-required]',
  );
});

test('exits 2 for a missing file or more than one, and 1 for a malformed one', async () => {
  const missing = await cli('import', join(dataDir, 'nope.json'));
  expect(missing.code).toBe(2);
  expect(missing.err).toContain(`There is no seed file at ${join(dataDir, 'nope.json')}.`);
  expect((await cli('import', 'a.json', 'b.json')).code).toBe(2);

  const malformed = await cli('import', await seedFile({ agreements: 'none' }));
  expect(malformed.code).toBe(1);
  expect(malformed.err).toContain('"agreements" must be a list.');
});
