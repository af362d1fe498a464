import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '#config';
import { createEventStore } from '#event-store';
import { personalDataSecretOf } from '#platform';
import { runCli } from '../../apps/cli/src/cli.js';

/* `npm run cli -- erase-person` on an embedded PGlite data directory, then `verify` on the same one. */

let dir: string;
let config: AppConfig;

const open = async () =>
  createEventStore({ dataDir: config.dataDir, personalDataSecret: await personalDataSecretOf(config) });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'erase-person-cli-'));
  config = loadConfig({ DATA_DIR: join(dir, 'data') });
  const { store, close } = await open();
  for (const [party, signedBy] of [
    ['hampshire', 'Jane Smith'],
    ['thames-valley', 'John Brown'],
  ])
    await store.append(
      'agreement-hants-tvp',
      [{ type: 'AgreementSigned', occurredAt: '2012-02-01', data: { agreementId: 'hants-tvp', party, signedBy } }],
      { expectedRevision: 'any', actor: 'officer:jane.doe (thames-valley)' },
    );
  await close();
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

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

test('help lists erase-person, and its own help names both options', async () => {
  expect((await cli('help')).out).toContain('erase-person');
  const help = await cli('erase-person', '--help');
  expect(help.code).toBe(0);
  expect(help.out).toMatch(/--name[\s\S]*--reason/);
});

test('a missing option or an unknown name is refused and erases nothing', async () => {
  expect((await cli('erase-person', '--name', 'Jane Smith')).code).toBe(2);
  const unknown = await cli('erase-person', '--name', 'Nobody Known', '--reason', 'request 7');
  expect(unknown.code).toBe(1);
  expect(unknown.err).toMatch(/No one of that name/);
});

test('erases the name from every read; the other signatory and the chain are untouched', async () => {
  const erased = await cli('erase-person', '--name', ' jane smith ', '--reason', 'Erasure request 2026/14');
  expect(erased).toMatchObject({ code: 0, out: expect.stringMatching(/^erased person [0-9a-f-]{36}/) });
  expect((await cli('verify')).code).toBe(0);
  const { store, db, close } = await open();
  try {
    const events = await store.readStream('agreement-hants-tvp');
    expect(events.map((e) => (e.data as { signedBy: string }).signedBy)).toEqual(['erased', 'John Brown']);
    const [record] = await store.readStream('people');
    expect(record).toMatchObject({ type: 'PersonErased', data: { reason: 'Erasure request 2026/14' } });
    const { rows } = await db.query<{ data: string }>('SELECT data::text AS data FROM events');
    expect(rows.map((r) => r.data).join('\n')).not.toMatch(/smith|brown/i);
  } finally {
    await close();
  }
});
