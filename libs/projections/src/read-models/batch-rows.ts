import type { SqlExecutor, StoredEvent } from '#event-store';

/**
 * Set-based writes for a projection's `applyBatch`: a batch is folded in memory and written back
 * with one multi-row statement per table, the rows passed as one jsonb parameter and expanded by
 * `jsonb_to_recordset` (the same on PostgreSQL and PGlite; no per-row round trip).
 */

/** A column and its SQL type, as `jsonb_to_recordset` must declare it. */
export type Columns = readonly (readonly [name: string, type: string])[];

/** Rows per statement: keeps one parameter well under a few MB even for document rows. */
const CHUNK = 2000;

/**
 * INSERT … ON CONFLICT (key) DO UPDATE (`update`: every non-key column takes the new value) or
 * DO NOTHING (`nothing`: a row already there is kept). Rows repeating a key are collapsed first
 * (PostgreSQL refuses to touch a row twice in one statement): the last one wins for `update`, the
 * first for `nothing`, as applying them one by one would.
 */
export async function writeRows(
  tx: SqlExecutor,
  table: string,
  columns: Columns,
  key: readonly string[],
  rows: readonly object[],
  onConflict: 'update' | 'nothing',
): Promise<void> {
  if (rows.length === 0) return;
  const unique = new Map<string, object>();
  for (const row of rows) {
    const id = JSON.stringify(key.map((k) => (row as Record<string, unknown>)[k]));
    if (onConflict === 'update' || !unique.has(id)) unique.set(id, row);
  }
  const names = columns.map(([name]) => name).join(', ');
  const definition = columns.map(([name, type]) => `${name} ${type}`).join(', ');
  const updates = columns
    .filter(([name]) => !key.includes(name))
    .map(([name]) => `${name} = EXCLUDED.${name}`)
    .join(', ');
  const conflict = onConflict === 'nothing' || updates === '' ? 'DO NOTHING' : `DO UPDATE SET ${updates}`;
  const sql = `INSERT INTO ${table} (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS r(${definition})
               ON CONFLICT (${key.join(', ')}) ${conflict}`;
  const all = [...unique.values()];
  for (let i = 0; i < all.length; i += CHUNK) await tx.query(sql, [JSON.stringify(all.slice(i, i + CHUNK))]);
}

/** Rows of `table` whose `column` is one of `ids` (one query, `= ANY`). */
export async function rowsByIds<Row>(
  tx: SqlExecutor,
  table: string,
  select: string,
  column: string,
  ids: Iterable<string>,
): Promise<Row[]> {
  const list = [...new Set(ids)];
  if (list.length === 0) return [];
  const { rows } = await tx.query<Row>(`SELECT ${select} FROM ${table} WHERE ${column} = ANY($1::text[])`, [list]);
  return rows;
}

/**
 * Folds a batch into one row per agreement, as applying the events one by one would: the rows the
 * batch touches are loaded once (`load`, given the ids; not those the batch drafts first), each
 * event evolves its agreement's row, and the rows that changed come back for one write.
 */
export async function foldAgreementRows<Row>(
  events: readonly StoredEvent[],
  load: (ids: Set<string>) => Promise<Map<string, Row>>,
  evolve: (before: Row | null, event: StoredEvent) => Row | null,
): Promise<Row[]> {
  const idOf = (event: StoredEvent): string => (event.data as { agreementId: string }).agreementId;
  const drafted = new Set<string>();
  const toLoad = new Set<string>();
  for (const event of events) {
    const id = idOf(event);
    if (event.type === 'AgreementDrafted') drafted.add(id);
    else if (!drafted.has(id)) toLoad.add(id);
  }
  const rows: Map<string, Row | null> = await load(toLoad);
  const changed = new Set<string>();
  for (const event of events) {
    const id = idOf(event);
    const before = event.type === 'AgreementDrafted' ? null : (rows.get(id) ?? null);
    const after = evolve(before, event);
    if (after === null || after === before) continue;
    rows.set(id, after);
    changed.add(id);
  }
  return [...changed].map((id) => rows.get(id) as Row);
}
