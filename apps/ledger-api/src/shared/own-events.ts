import { EventStore, Position } from '@ledger/event-store';
import { toDomainEvent } from '@ledger/event-sourcing';

/** A command that already ran, as its stream shows it: its own events and the state right after them. */
export interface OwnEvents<State, Event> {
  state: State;
  events: Event[];
  /** Position of the last of its events on this stream. */
  position: Position;
}

/**
 * Finds a command's own events on a stream by their deterministic ids (`eventIdFor`), so that a
 * retry of a command that already ran (its process died, or its answer was lost) answers what
 * the first attempt answered, from the stream as it stood right after them, and writes nothing.
 */
export async function findOwnEvents<State, Event>(
  store: EventStore,
  streamName: string,
  idFor: (index: number) => string,
  evolve: (state: State, event: Event) => State,
  initialState: State,
): Promise<OwnEvents<State, Event> | undefined> {
  const history = await store.readStream(streamName);
  const first = history.findIndex((event) => event.id === idFor(0));
  if (first < 0) return undefined;
  let last = first;
  while (history[last + 1]?.id === idFor(last + 1 - first)) last += 1;
  const upToOwn = history.slice(0, last + 1).map((event) => toDomainEvent<Event>(event));
  return {
    state: upToOwn.reduce(evolve, initialState),
    events: upToOwn.slice(first),
    position: history[last].position,
  };
}
