import { useEffect, useState } from 'react';
import { ApiError, type Problem } from '../api';
import { ProblemMessage } from './problem';

/** A paged list: the rows loaded so far, and a way to load the next page. */
export interface Paged<Row> {
  rows: Row[];
  /** The cursor of the next page, null once every row is loaded. */
  next: string | null;
  more(): void;
  loading: boolean;
  problem: Problem | null;
}

/**
 * The first page (`first`, as loaded) followed by the pages loaded with `loadAfter(cursor)`, one
 * a click of "More". A new first page (a reload, another filter) starts again from it.
 */
export function useMore<Row>(
  first: { rows: Row[]; next: string | null } | null,
  loadAfter: (cursor: string) => Promise<{ rows: Row[]; next: string | null }>,
): Paged<Row> {
  const [later, setLater] = useState<{ rows: Row[]; next: string | null; loading: boolean; problem: Problem | null }>({
    rows: [],
    next: null,
    loading: false,
    problem: null,
  });
  const firstRows = first?.rows;
  useEffect(() => setLater({ rows: [], next: null, loading: false, problem: null }), [firstRows]);
  const next = later.rows.length > 0 ? later.next : (first?.next ?? null);
  return {
    rows: [...(first?.rows ?? []), ...later.rows],
    next,
    loading: later.loading,
    problem: later.problem,
    more() {
      if (next === null || later.loading) return;
      setLater((l) => ({ ...l, loading: true, problem: null }));
      loadAfter(next).then(
        (page) =>
          setLater((l) => ({ rows: [...l.rows, ...page.rows], next: page.next, loading: false, problem: null })),
        (error: unknown) =>
          setLater((l) => ({
            ...l,
            loading: false,
            problem:
              error instanceof ApiError
                ? error.problem
                : { type: 'about:blank', title: 'Error', status: 0, detail: String(error) },
          })),
      );
    },
  };
}

/** "More" under a paged list, while it has more; says when it is loading and why it failed. */
export function MoreButton<Row>({ paged, what }: { paged: Paged<Row>; what: string }) {
  return (
    <>
      {paged.problem ? <ProblemMessage problem={paged.problem} heading={`More ${what} could not be loaded`} /> : null}
      {paged.next !== null ? (
        <p>
          <button type="button" className="secondary" onClick={() => paged.more()} disabled={paged.loading}>
            {paged.loading ? `Loading more ${what}…` : `More ${what}`}
          </button>
        </p>
      ) : null}
    </>
  );
}
