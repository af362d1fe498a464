import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { EventStore, type StoredEvent } from '#event-store';

/** What a command or a lookup needs of a stream: the state folded from it and its last revision (-1: no stream). */
export interface FoldedStream<S> {
  state: S;
  revision: number;
}

interface Folder<S> {
  evolve(state: S, event: never): S;
  initialState(): S;
}

interface Entry {
  folder: Folder<unknown>;
  state: unknown;
  revision: number;
}

/** What one request has loaded of a stream (inRequest): the first load's promise, shared by the lookups after it. */
interface Loaded {
  folder: Folder<unknown>;
  loaded: Promise<FoldedStream<unknown>>;
}

/** Streams whose folded state is kept; each entry is one state object, so this bounds memory loosely. */
const MAX_STREAMS = 2000;

/**
 * Folded states by stream, validated by revision: a stream loaded again reads only the events
 * after the cached revision (one query, usually empty) and evolves the cached state with them.
 * Sound because events never change once appended and every `evolve` of the domain is pure (it
 * returns a new state and never touches the one it was given), so a cached state can be shared by
 * concurrent requests. One provider per application (ApplicationModule), shared by the runner and
 * the reference data, so a command and the lookups before it fold a stream once.
 *
 * Within one request (`inRequest`, entered by the API for every HTTP request) a stream is read once for
 * its lookups: the write policy (WriteAccess) and the reference data ask for the same board and agreement,
 * and `lookup` answers the later ones with what the first read (a request's lookups see one view of a
 * stream, as they would if they had run together). `load`, the command runner's read, always reads the
 * store, so a command decides on the stream as it is and appends with the revision it read: the
 * optimistic concurrency check is the same with or without a request. An append forgets the stream
 * for the rest of the request (`forget`).
 */
@Injectable()
export class FoldedStreams {
  private readonly entries = new Map<string, Entry>();
  private readonly request = new AsyncLocalStorage<Map<string, Loaded>>();

  constructor(private readonly store: EventStore) {}

  /** Runs `work` as one request: its lookups of a stream read the store once (see the class). */
  inRequest<T>(work: () => T): T {
    return this.request.run(new Map(), work);
  }

  /**
   * A stream's folded state for a lookup (an authorisation, a reference a command names): in a request,
   * what this request already read of it, else read as `load` does.
   */
  lookup<S>(streamId: string, folder: Folder<S>): Promise<FoldedStream<S>> {
    const seen = this.request.getStore()?.get(streamId);
    if (seen?.folder === folder) return seen.loaded as Promise<FoldedStream<S>>;
    return this.load(streamId, folder);
  }

  /** Drops what this request read of the stream (it has just been written to). */
  forget(streamId: string): void {
    this.request.getStore()?.delete(streamId);
  }

  /** True when this stream's state is cached (so it exists). */
  has(streamId: string, folder: Folder<unknown>): boolean {
    return this.entries.get(streamId)?.folder === folder;
  }

  /** The stream's folded state, read from the store now (only the events after the cached revision). */
  load<S>(streamId: string, folder: Folder<S>): Promise<FoldedStream<S>> {
    const loaded = this.read(streamId, folder);
    const memo = this.request.getStore();
    if (memo) {
      const entry: Loaded = { folder, loaded };
      memo.set(streamId, entry);
      // A failed read is not remembered: the next lookup reads again.
      loaded.catch(() => {
        if (memo.get(streamId) === entry) memo.delete(streamId);
      });
    }
    return loaded;
  }

  private async read<S>(streamId: string, folder: Folder<S>): Promise<FoldedStream<S>> {
    const cached = this.entries.get(streamId);
    const base: Entry =
      cached && cached.folder === folder ? cached : { folder, state: folder.initialState(), revision: -1 };
    const newer = await this.store.readStream(streamId, { fromRevision: base.revision + 1 });
    if (newer.length === 0) {
      this.touch(streamId, base);
      return { state: base.state as S, revision: base.revision };
    }
    if (!isContiguous(newer, base.revision + 1)) {
      // Not written by the store (a gap): fold the stream as it is, and keep nothing.
      this.entries.delete(streamId);
      const all = await this.store.readStream(streamId);
      return {
        state: all.reduce((state, event) => folder.evolve(state, event as never), folder.initialState()),
        revision: all.length - 1,
      };
    }
    const state = newer.reduce((s, event) => folder.evolve(s, event as never), base.state as S);
    // Contiguous from base.revision + 1 and not empty (checked above): the last revision is this.
    const entry: Entry = { folder, state, revision: base.revision + newer.length };
    const latest = this.entries.get(streamId);
    // A slower concurrent load may bring an older state: keep the newer one.
    if (!latest || latest.folder !== folder || latest.revision <= entry.revision) this.touch(streamId, entry);
    return { state, revision: entry.revision };
  }

  private touch(streamId: string, entry: Entry): void {
    if (entry.revision < 0) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    if (this.entries.size > MAX_STREAMS) this.entries.delete(this.entries.keys().next().value as string);
  }
}

const isContiguous = (events: readonly StoredEvent[], from: number): boolean =>
  events.every((event, i) => event.revision === from + i);
