import { Injectable } from '@nestjs/common';

/**
 * The writes of this process to one stream, one after another in arrival order. Concurrent
 * commands on one stream would otherwise all load the same revision, meet in one group-commit
 * batch where all but one lose, and retry against each other; queued, each decides on the state
 * the one before it left, and only writers in other processes can still win a race (retried).
 * One provider per application (ApplicationModule), shared by every command handler.
 */
@Injectable()
export class StreamWriteQueue {
  /** Settles when the last write queued for the stream has; absent when none is queued. */
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(streamId: string, write: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(streamId);
    const result = previous ? previous.then(write) : write();
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(streamId, tail);
    void tail.then(() => {
      if (this.tails.get(streamId) === tail) this.tails.delete(streamId);
    });
    return result;
  }
}
