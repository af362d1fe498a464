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

/** Streams whose folded state is kept; each entry is one state object, so this bounds memory loosely. */
const MAX_STREAMS = 2000;

/**
 * Folded states by stream, validated by revision: a stream loaded again reads only the events
 * after the cached revision (one query, usually empty) and evolves the cached state with them.
 * Sound because events never change once appended and every `evolve` of the domain is pure (it
 * returns a new state and never touches the one it was given), so a cached state can be shared by
 * concurrent requests. One provider per application (ApplicationModule), shared by the runner and
 * the reference data, so a command and the lookups before it fold a stream once.
 */
@Injectable()
export class FoldedStreams {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly store: EventStore) {}

  /** True when this stream's state is cached (so it exists). */
  has(streamId: string, folder: Folder<unknown>): boolean {
    return this.entries.get(streamId)?.folder === folder;
  }

  async load<S>(streamId: string, folder: Folder<S>): Promise<FoldedStream<S>> {
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
