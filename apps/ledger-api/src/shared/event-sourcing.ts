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

/** A stream's state as of a revision, kept outside the write path (see snapshots/). */
export type SnapshotSource = (
  streamName: string,
) => Promise<{ revision: bigint; state: unknown; position: Position } | undefined>;
const snapshotSources = new WeakMap<EventStore, SnapshotSource>();

/** Loads from this store start from a snapshot when the memory cache has none. */
export function useSnapshots(store: EventStore, source: SnapshotSource): void {
  snapshotSources.set(store, source);
}

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
  const known = (cache.get(streamName) as Loaded<State> | undefined) ?? (await fromSnapshot<State>(store, streamName));
  const from = known && known.revision !== 'no_stream' ? known.revision + 1n : 0n;
  const events = await store.readStream(streamName, { fromRevision: from });
  const last = events[events.length - 1];
  if (!last) return known ?? { state: initialState, revision: 'no_stream', position: undefined };
  const base = known ? known.state : initialState;
  const state = events.reduce((current, recorded) => evolve(current, toDomainEvent<Event>(recorded)), base);
  const loaded: Loaded<State> = { state, revision: last.revision, position: last.position };
  cache.delete(streamName);
  if (cache.size >= CACHED_STREAMS) cache.delete(cache.keys().next().value!);
  cache.set(streamName, loaded);
  return loaded;
}

async function fromSnapshot<State>(store: EventStore, streamName: string): Promise<Loaded<State> | undefined> {
  const snapshot = await snapshotSources.get(store)?.(streamName);
  return snapshot && { state: snapshot.state as State, revision: snapshot.revision, position: snapshot.position };
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
