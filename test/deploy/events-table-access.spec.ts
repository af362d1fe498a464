import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * The `events` table is the SQL event store's private layout: everything else reads the log through the
 * EventStore port or a read model, so another store (KurrentDB) needs no twin of the query (issue 14).
 * SQL in this repository is written with upper-case keywords, which keeps prose ("folded from events") out of it.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const EVENTS_SQL = /\b(?:FROM|JOIN|INTO|UPDATE)\s+events\b/;

/**
 * Files that still query the table, each to be replaced by a read model (issue 14). The list must shrink, never
 * grow: the test fails for a file not in it, and for a file in it that no longer offends.
 */
const NOT_YET_MOVED: string[] = [];

const sourceFiles = (): string[] =>
  ['apps', 'libs'].flatMap((top) =>
    readdirSync(join(root, top), { recursive: true, encoding: 'utf8' })
      .map((file) => join(top, file).split('\\').join('/'))
      .filter((file) => !file.split('/').includes('node_modules'))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && !file.startsWith('libs/event-store/')),
  );

const offendersIn = (files: readonly string[], read: (file: string) => string): string[] =>
  files.filter((file) => EVENTS_SQL.test(read(file))).sort();

describe('the events table', () => {
  test('the check recognises SQL touching it, and not prose or other tables', () => {
    const samples: Record<string, string> = {
      'select.ts': "db.query(`SELECT data FROM events WHERE type = 'X'`)",
      'join.ts': 'SELECT 1 FROM streams s JOIN events e ON e.stream_id = s.id',
      'insert.ts': 'INSERT INTO events (stream_id) VALUES ($1)',
      'update.ts': 'UPDATE events SET data = $1',
      'prose.ts': '/** states folded from events */',
      'other-table.ts': 'SELECT 1 FROM events_archive; INSERT INTO event_log VALUES (1)',
    };
    expect(offendersIn(Object.keys(samples), (file) => samples[file] ?? '')).toEqual([
      'insert.ts',
      'join.ts',
      'select.ts',
      'update.ts',
    ]);
  });

  test('no source file outside libs/event-store queries it, but those not yet moved to a read model', () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(100);
    expect(offendersIn(files, (file) => readFileSync(join(root, file), 'utf8'))).toEqual(NOT_YET_MOVED);
  });
});
