import { describe, expect, test } from '@jest/globals';
import { StreamWriteQueue } from './stream-write-queue.js';

/** A write that runs until the test lets it finish, recording when it started and ended. */
function gate(log: string[], name: string, outcome: 'ok' | 'fail' = 'ok') {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    open,
    write: async () => {
      log.push(`${name} starts`);
      await opened;
      log.push(`${name} ends`);
      if (outcome === 'fail') throw new Error(`${name} failed`);
      return name;
    },
  };
}

describe('writes to one stream from one process', () => {
  test('run one at a time in arrival order, a failed one not holding up the next; other streams do not wait', async () => {
    const queue = new StreamWriteQueue();
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b', 'fail');
    const c = gate(log, 'c');
    const other = gate(log, 'other');
    const results = [
      queue.run('agreement-x', a.write),
      queue.run('agreement-x', b.write),
      queue.run('agreement-x', c.write),
    ];
    const elsewhere = queue.run('agreement-y', other.write);
    await Promise.resolve();
    expect(log).toEqual(['a starts', 'other starts']);

    other.open();
    await expect(elsewhere).resolves.toBe('other');
    expect(log).not.toContain('b starts');
    c.open();
    b.open();
    a.open();
    const settled = await Promise.allSettled(results);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([
      'a',
      'b failed',
      'c',
    ]);
    expect(log.filter((line) => !line.startsWith('other'))).toEqual([
      'a starts',
      'a ends',
      'b starts',
      'b ends',
      'c starts',
      'c ends',
    ]);
  });
});
