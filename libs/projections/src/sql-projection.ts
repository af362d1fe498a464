import type { SqlExecutor, StoredEvent } from '#event-store';

/** What a projection's `apply` gets: the batch's transaction and the logical → physical table mapping. */
export interface ProjectionContext {
  /** The transaction that also writes the checkpoint: rows and checkpoint commit together or not at all. */
  tx: SqlExecutor;
  /** Physical name of a logical table: itself when live, `<table>__rebuild` while a rebuild builds new tables. */
  t: (table: string) => string;
}

/**
 * A read model kept in SQL tables of the event database. The runner applies each handled event
 * exactly once (the checkpoint is written in the same transaction as the rows), so `apply` need not
 * deduplicate, but it must read and write only through `ctx.tx` and name every table through `ctx.t`.
 */
export interface SqlProjection {
  /** Stable id (checkpoint key, CLI argument): lowercase letters, digits and hyphens. */
  readonly name: string;
  /** Bump it when the tables or `apply` change meaning: the runner then rebuilds on start. */
  readonly version: number;
  /** Event types `apply` is called for; the checkpoint moves past every other event too. */
  readonly handles: readonly string[];
  /** Logical table names (lowercase identifiers without `__`), each created by `schema`. */
  readonly tables: readonly string[];
  /**
   * `CREATE TABLE IF NOT EXISTS` / `CREATE INDEX IF NOT EXISTS` statements naming every table
   * and index through `t`: index names must start with `t('<table>')` so a swap can rename them.
   */
  schema(t: (table: string) => string): string;
  apply(ctx: ProjectionContext, event: StoredEvent): Promise<void>;
  /**
   * Optional set-based form of `apply`: the handled events of one batch, in log order, written
   * with a few multi-row statements instead of per-event SQL. It must leave the tables exactly as
   * `apply` on each event in turn would (test/projections proves it per read model). The runner and
   * the rebuild use it when present; on a failure they fall back to `apply` one event at a time
   * (through this same method with a single event) to find and park a poison event.
   */
  applyBatch?(ctx: ProjectionContext, events: readonly StoredEvent[]): Promise<void>;
}

/** Applies a batch's handled events through `applyBatch` when the projection has one, else event by event. */
export async function applyEvents(
  projection: SqlProjection,
  ctx: ProjectionContext,
  events: readonly StoredEvent[],
): Promise<number> {
  const handled = events.filter((event) => projection.handles.includes(event.type));
  if (handled.length === 0) return 0;
  if (projection.applyBatch) await projection.applyBatch(ctx, handled);
  else for (const event of handled) await projection.apply(ctx, event);
  return handled.length;
}

const PROJECTION_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const TABLE_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
/** Leaves room for `__rebuild` and an index suffix inside PostgreSQL's 63-byte identifiers. */
const MAX_TABLE_NAME = 40;
export const REBUILD_SUFFIX = '__rebuild';

export const liveTable = (table: string): string => table;
export const rebuildTable = (table: string): string => `${table}${REBUILD_SUFFIX}`;

/** Throws when a definition could not be run safely (bad names, duplicates across projections). */
export function validateProjections(projections: readonly SqlProjection[]): void {
  const names = new Set<string>();
  const tables = new Map<string, string>();
  for (const projection of projections) {
    if (!PROJECTION_NAME.test(projection.name)) {
      throw new Error(`Projection name "${projection.name}" must be lowercase letters, digits and hyphens.`);
    }
    if (names.has(projection.name)) throw new Error(`Two projections are named "${projection.name}".`);
    names.add(projection.name);
    if (!Number.isInteger(projection.version) || projection.version < 1) {
      throw new Error(`Projection ${projection.name} needs a whole version number from 1 up.`);
    }
    if (projection.tables.length === 0) throw new Error(`Projection ${projection.name} declares no tables.`);
    for (const table of projection.tables) {
      if (!TABLE_NAME.test(table) || table.length > MAX_TABLE_NAME) {
        throw new Error(
          `Table "${table}" of projection ${projection.name} must be a lowercase identifier of at most ${MAX_TABLE_NAME} characters without "__".`,
        );
      }
      const owner = tables.get(table);
      if (owner !== undefined) throw new Error(`Table "${table}" belongs to both ${owner} and ${projection.name}.`);
      tables.set(table, projection.name);
    }
  }
}

/** A projection's `t` for a mapping, refusing tables it did not declare (a typo would otherwise write live tables during a rebuild). */
export function tableMapper(projection: SqlProjection, map: (table: string) => string): (table: string) => string {
  const declared = new Set(projection.tables);
  return (table: string): string => {
    if (!declared.has(table))
      throw new Error(`Projection ${projection.name} used table "${table}", which it does not declare.`);
    return map(table);
  };
}
