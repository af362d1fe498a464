import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, type Problem } from '../api';

export interface Loaded<T> {
  data: T | null;
  problem: Problem | null;
  loading: boolean;
  /** Loads again; with a write's position, the reads wait until their read models include it. */
  reload: (minPosition?: string | null) => void;
}

/** Loads with `load(minPosition)` when `key` changes; keeps the last data while reloading. */
export function useLoad<T>(load: (minPosition: string | null) => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; problem: Problem | null; loading: boolean }>({
    data: null,
    problem: null,
    loading: true,
  });
  const [trigger, setTrigger] = useState<{ n: number; minPosition: string | null }>({ n: 0, minPosition: null });
  const loader = useRef(load);
  loader.current = load;

  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    loader.current(trigger.minPosition).then(
      (data) => live && setState({ data, problem: null, loading: false }),
      (error: unknown) =>
        live &&
        setState({
          data: null,
          problem:
            error instanceof ApiError
              ? error.problem
              : { type: 'about:blank', title: 'Error', status: 0, detail: String(error) },
          loading: false,
        }),
    );
    return () => {
      live = false;
    };
  }, [key, trigger]);

  const reload = useCallback(
    (minPosition?: string | null) => setTrigger((t) => ({ n: t.n + 1, minPosition: minPosition ?? null })),
    [],
  );
  return { ...state, reload };
}
