/**
 * A decider is the whole of an aggregate's behaviour as pure functions:
 * `decide` turns a command and the current state into new events (or throws a DomainError),
 * `evolve` folds one event into the state. No I/O, no clock: time arrives in the command.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** What every domain event looks like before the event store wraps it in an envelope. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  /** Valid time: when the fact happened in the world (ISO 8601 UTC datetime). */
  occurredAt: string;
  data: Data;
}

/** What every command carries besides its own data. */
export interface CommandMetadata {
  /** The server's clock when the command was received (ISO 8601 UTC datetime). */
  now: string;
}

export interface Command<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata: CommandMetadata;
}

export const fold = <Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'evolve' | 'initialState'>,
  events: readonly Event[],
): State => events.reduce(decider.evolve, decider.initialState());
