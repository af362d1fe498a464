import { expect, test } from '@jest/globals';
import { backoffDelay, retryDelay, retryItem } from '#event-store';

/** Records the waits instead of sleeping, so the policy's delays can be read. */
const recordingSleep = () => {
  const waits: number[] = [];
  const sleep = (ms: number): Promise<void> => {
    waits.push(ms);
    return Promise.resolve();
  };
  return { waits, sleep };
};

test('a failing item is tried maxAttempts times, the waits doubling from retryDelayMs, and its last error returned', async () => {
  const { waits, sleep } = recordingSleep();
  let tries = 0;
  const outcome = await retryItem(
    () => {
      tries++;
      return Promise.reject(new Error(`failure ${tries}`));
    },
    { maxAttempts: 4, retryDelayMs: 100, sleep },
  );
  expect(tries).toBe(4);
  expect(waits).toEqual([100, 200, 400]);
  expect(outcome).toEqual({ ok: false, error: new Error('failure 4'), attempts: 4 });
});

test('an item that succeeds on a retry returns its value and waits no more', async () => {
  const { waits, sleep } = recordingSleep();
  let tries = 0;
  const outcome = await retryItem(
    () => (++tries < 2 ? Promise.reject(new Error('once')) : Promise.resolve('applied')),
    { maxAttempts: 3, retryDelayMs: 10, sleep },
  );
  expect(outcome).toEqual({ ok: true, value: 'applied' });
  expect(waits).toEqual([10]);
});

test("a database failure is the database's, not the item's: it leaves at once instead of being retried or parked", async () => {
  const { waits, sleep } = recordingSleep();
  const gone = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
  let tries = 0;
  await expect(
    retryItem(
      () => {
        tries++;
        return Promise.reject(gone);
      },
      { maxAttempts: 3, retryDelayMs: 10, sleep },
    ),
  ).rejects.toBe(gone);
  expect(tries).toBe(1);
  expect(waits).toEqual([]);
});

test('a stop gives up before the next try, with the last failure', async () => {
  const { sleep } = recordingSleep();
  let stopped = false;
  let tries = 0;
  const outcome = await retryItem(
    () => {
      tries++;
      stopped = true;
      return Promise.reject(new Error('boom'));
    },
    { maxAttempts: 5, retryDelayMs: 10, sleep, stopped: () => stopped },
  );
  expect(tries).toBe(1);
  expect(outcome).toMatchObject({ ok: false, attempts: 1 });
});

test('the back-off doubles up to its cap; the retry delay is the same curve without one', () => {
  expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, { initialMs: 500, maxMs: 3000 }))).toEqual([
    500, 1000, 2000, 3000, 3000,
  ]);
  expect([1, 2, 3].map((n) => retryDelay(n, { retryDelayMs: 200 }))).toEqual([200, 400, 800]);
});
