// CheckpointWriter on its own (the relay's write-behind checkpoint): the newest acknowledged position,
// at most once per interval, one write at a time, never lost to a failed write.
import { expect, test } from '@jest/globals';
import type { Position } from '#event-store';
import { CheckpointWriter } from '#messaging';

const at = (n: number): Position => String(n) as Position;
const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A checkpoint table in memory whose writes complete when the test says (or fail). */
function fakeCheckpoints() {
  const saved: string[] = [];
  const calls: { position: string; finish: (error?: Error) => void }[] = [];
  let concurrent = 0;
  let mostConcurrent = 0;
  return {
    saved,
    calls,
    get mostConcurrent() {
      return mostConcurrent;
    },
    save(_name: string, position: Position): Promise<void> {
      concurrent++;
      mostConcurrent = Math.max(mostConcurrent, concurrent);
      return new Promise<void>((resolve, reject) => {
        calls.push({
          position,
          finish: (error) => {
            concurrent--;
            if (error) return reject(error);
            saved.push(position);
            resolve();
          },
        });
      });
    },
  };
}

test('writes the first acknowledgement at once and folds the later ones into one write per interval', async () => {
  const db = fakeCheckpoints();
  const written: [string, number][] = [];
  const writer = new CheckpointWriter(db, 'r', {
    intervalMs: 50,
    written: (position, events) => written.push([position, events]),
    failed: (error) => {
      throw error;
    },
  });
  writer.acknowledged(at(10), 10);
  expect(db.calls.map((c) => c.position)).toEqual(['10']);
  writer.acknowledged(at(20), 10);
  writer.acknowledged(at(30), 10);
  db.calls[0]!.finish();
  await tick();
  // Within the interval: nothing more is written yet.
  expect(db.calls).toHaveLength(1);
  await tick(70);
  expect(db.calls.map((c) => c.position)).toEqual(['10', '30']);
  db.calls[1]!.finish();
  await writer.flush();
  expect(written).toEqual([
    ['10', 10],
    ['30', 20],
  ]);
  expect(db.mostConcurrent).toBe(1);
  expect(writer.dirty).toBe(false);
});

test('a failed background write is reported and its position written by the next flush', async () => {
  const db = fakeCheckpoints();
  const failures: unknown[] = [];
  const written: [string, number][] = [];
  const writer = new CheckpointWriter(db, 'r', {
    intervalMs: 0,
    written: (position, events) => written.push([position, events]),
    failed: (error) => failures.push(error),
  });
  writer.acknowledged(at(5), 5);
  writer.acknowledged(at(9), 4);
  db.calls[0]!.finish(new Error('connection terminated'));
  await tick();
  expect(failures).toHaveLength(1);
  expect(writer.dirty).toBe(true);
  const flushed = writer.flush();
  await tick();
  // The newest acknowledged position, covering the events of the failed write too.
  expect(db.calls.map((c) => c.position)).toEqual(['5', '9']);
  db.calls[1]!.finish();
  await flushed;
  expect(written).toEqual([['9', 9]]);
  expect(db.saved).toEqual(['9']);
});

test('flush waits for the write in flight, then writes what was acknowledged meanwhile; a failure rejects it', async () => {
  const db = fakeCheckpoints();
  const writer = new CheckpointWriter(db, 'r', {
    intervalMs: 60_000,
    written: () => undefined,
    failed: (error) => {
      throw error;
    },
  });
  writer.acknowledged(at(1), 1);
  writer.acknowledged(at(2), 1);
  const flushed = writer.flush();
  await tick();
  expect(db.calls).toHaveLength(1);
  db.calls[0]!.finish();
  await tick();
  expect(db.calls.map((c) => c.position)).toEqual(['1', '2']);
  db.calls[1]!.finish(new Error('database down'));
  await expect(flushed).rejects.toThrow('database down');
  expect(writer.dirty).toBe(true);
  const again = writer.flush();
  await tick();
  db.calls[2]!.finish();
  await again;
  expect(db.saved).toEqual(['1', '2']);
  writer.close();
});
