import pg from 'pg';

/**
 * Counts the SQL statements every `pg` client of this process sends, by wrapping `pg.Client.prototype.query`
 * (a pool's `query` and a transaction's `BEGIN`/`COMMIT` all go through it). Issue 17 measures statements
 * per request with it: start counting, make requests one at a time, read `statements` (and `texts`, what was
 * sent, to see which statement is which). Only one counter may be installed at a time.
 */
export interface StatementCounter {
  /** The statements sent since the counter was installed or last reset, in order. */
  readonly texts: readonly string[];
  readonly statements: number;
  reset(): void;
  uninstall(): void;
}

let installed = false;

export function countStatements(): StatementCounter {
  if (installed) throw new Error('A statement counter is already installed.');
  installed = true;
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  let texts: string[] = [];
  // The wrapper must accept every overload of query (text, config object, Submittable) and return what it returns.
  const wrapped = function (this: pg.Client, ...args: unknown[]): unknown {
    const first = args[0];
    const text =
      typeof first === 'string'
        ? first
        : typeof first === 'object' && first !== null && 'text' in first
          ? String(first.text)
          : String(first);
    texts.push(text.replace(/\s+/g, ' ').trim());
    return original.apply(this, args);
  };
  prototype.query = wrapped;
  return {
    get texts() {
      return texts;
    },
    get statements() {
      return texts.length;
    },
    reset() {
      texts = [];
    },
    uninstall() {
      prototype.query = original;
      installed = false;
    },
  };
}

/**
 * Makes `requests` calls of `request` one after another and returns the statements they sent, per request
 * (rounded to one decimal; the count is whole when every request sends the same).
 */
export async function statementsPerRequest(
  counter: StatementCounter,
  requests: number,
  request: (n: number) => Promise<unknown>,
): Promise<{ perRequest: number; texts: readonly string[] }> {
  counter.reset();
  for (let n = 0; n < requests; n++) await request(n);
  const texts = counter.texts;
  return { perRequest: Math.round((texts.length / requests) * 10) / 10, texts };
}
