import { ExponentialBackoff, handleType, retry } from 'cockatiel';
import { EventData, EventStore, Position, RecordedEvent, WrongExpectedRevisionError } from '@ledger/event-store';

export interface Loaded<State> {
  state: State;
  /** Last revision read, or `no_stream`: the expected revision for the next append. */
  revision: bigint | 'no_stream';
  /** Position of the last event read. */
  position: Position | undefined;
}

const CACHED_STREAMS = 10_000;
/** Per event store, the last state read of recently used streams. */
const caches = new WeakMap<EventStore, Map<string, Loaded<unknown>>>();

/**
 * Rebuilds an aggregate's state from its stream. The last state read of each stream stays in
 * memory, so a later load reads only the events appended since: a busy account costs what a new
 * one does. States are pure folds of events, so a cached state plus newer events is exact.
 */
export async function loadAggregate<State, Event>(
  store: EventStore,
  streamName: string,
  evolve: (state: State, event: Event) => State,
  initialState: State,
): Promise<Loaded<State>> {
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new Map()));
  const cached = cache.get(streamName) as Loaded<State> | undefined;
  const from = cached && cached.revision !== 'no_stream' ? cached.revision + 1n : 0n;
  const events = await store.readStream(streamName, { fromRevision: from });
  if (cached && events.length === 0) return cached;
  const base = from === 0n ? initialState : cached!.state;
  const state = events.reduce((current, recorded) => evolve(current, toDomainEvent<Event>(recorded)), base);
  const last = events[events.length - 1];
  const loaded: Loaded<State> = last
    ? { state, revision: last.revision, position: last.position }
    : { state, revision: 'no_stream', position: undefined };
  if (last) {
    cache.delete(streamName);
    if (cache.size >= CACHED_STREAMS) cache.delete(cache.keys().next().value!);
    cache.set(streamName, loaded);
  }
  return loaded;
}

export function toDomainEvent<Event>(recorded: RecordedEvent): Event {
  return { type: recorded.type, data: recorded.data } as Event;
}

/** Domain events to store events with ids derived from the command, so a retry writes nothing twice. */
export function toEventData<Event extends { type: string; data: unknown }>(
  events: readonly Event[],
  idFor: (index: number) => string,
  metadata: EventData['metadata'],
): EventData[] {
  return events.map((event, index) => ({ id: idFor(index), type: event.type, data: event.data, metadata }));
}

/**
 * Someone else wrote first: decide again on fresh state. Bounded, with jittered exponential
 * backoff, for writers in other processes (the keyed queue orders those in this one).
 */
export const retryOnConflict = retry(handleType(WrongExpectedRevisionError), {
  maxAttempts: 20,
  backoff: new ExponentialBackoff({ initialDelay: 5, maxDelay: 200 }),
});
