import { ExponentialBackoff, handleType, retry } from 'cockatiel';
import {
  AppendRequest,
  AppendResult,
  EventData,
  EventStore,
  Position,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '@ledger/event-store';
import { KeyedQueue } from './keyed-queue';
import { LruCache } from './lru-cache';

export interface Loaded<State> {
  state: State;
  /** Last revision read, or `no_stream`: the expected revision for the next append. */
  revision: bigint | 'no_stream';
  /** Position of the last event read. */
  position: Position | undefined;
  /** Set when this state counts events of an append not yet committed (see `appendAhead`). */
  pending?: Promise<unknown>;
}

type StateCache = LruCache<string, Loaded<unknown>>;
const DEFAULT_CACHED_STREAMS = 10_000;
/** Per event store, the last state read of recently used streams. */
const caches = new WeakMap<EventStore, StateCache>();

/** Loads from this store keep the states of at most `capacity` streams in memory (the least recently used go first). */
export function useStateCache(store: EventStore, capacity: number): void {
  caches.set(store, new LruCache(capacity));
}

/** States of the streams it covers as of a revision, kept outside the write path (see snapshots/). */
export interface SnapshotSource {
  /** Whether such streams are snapshotted at all; others are read from their start without asking. */
  covers(streamName: string): boolean;
  read(streamName: string): Promise<{ revision: bigint; state: unknown; position: Position } | undefined>;
}
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
  const cache = stateCacheOf(store);
  const cached = cache.get(streamName) as Loaded<State> | undefined;
  const snapshot = cached ? undefined : fromSnapshot<State>(store, streamName);
  const known = cached ?? (snapshot && (await snapshot));
  const from = known && known.revision !== 'no_stream' ? known.revision + 1n : 0n;
  const events = await store.readStream(streamName, { fromRevision: from });
  const last = events[events.length - 1];
  // Kept only over the entry this load started from: had that entry been dropped meanwhile (an
  // append it counted failed) or replaced, this load's state may count events never committed.
  const keep = (loaded: Loaded<State>) => {
    if (cache.peek(streamName) === cached) cache.set(streamName, loaded);
  };
  if (!last) {
    if (known && !cached) keep(known);
    return known ?? { state: initialState, revision: 'no_stream', position: undefined };
  }
  if (known?.pending) {
    // Events beyond a state that counts an append in flight: that state cannot be built upon.
    cache.delete(streamName);
    return loadAggregate(store, streamName, evolve, initialState);
  }
  const base = known ? known.state : initialState;
  const state = events.reduce((current, recorded) => evolve(current, toDomainEvent<Event>(recorded)), base);
  const loaded: Loaded<State> = { state, revision: last.revision, position: last.position };
  keep(loaded);
  return loaded;
}

/**
 * The state with no append in flight: for writers outside the account's chain of `appendAhead`s
 * (no expected revision), whose append landing between a pending append and the next one decided
 * on it would make the first fail and could let the next pass at a revision it did not mean.
 */
export async function loadSettled<State, Event>(
  store: EventStore,
  streamName: string,
  evolve: (state: State, event: Event) => State,
  initialState: State,
): Promise<Loaded<State>> {
  for (;;) {
    const loaded = await loadAggregate(store, streamName, evolve, initialState);
    if (!loaded.pending) return loaded;
    await Promise.allSettled([loaded.pending]);
  }
}

/**
 * Appends, and before the commit records each `ahead` stream's state after the append as its
 * latest: the next command on the stream, queued behind this one, decides on it at once instead of
 * waiting for the commit, and its append (expecting this one's revision) rides the same group
 * commit. Should this append fail, the records are dropped and every append decided on them fails
 * its expected revision, so nothing is ever written on a state that was not committed.
 */
export function appendAhead(
  store: EventStore,
  requests: readonly AppendRequest[],
  ahead: readonly AppendedAhead[],
): Promise<AppendResult> {
  const cache = stateCacheOf(store);
  const committed = store.append(requests);
  for (const { streamName, base, after } of ahead) {
    // Only over the very state decided on: had it been dropped or replaced meanwhile (an append it
    // counted on failed, or newer events were read), this append fails its expected revision.
    if (cache.peek(streamName) === base) cache.set(streamName, { ...after, pending: committed });
  }
  committed.then(
    () =>
      ahead.forEach(({ streamName }) => {
        const latest = cache.peek(streamName);
        // In place: a command holding this state keeps deciding on the same object.
        if (latest?.pending === committed) latest.pending = undefined;
      }),
    () => ahead.forEach(({ streamName }) => cache.delete(streamName)),
  );
  return committed;
}

/** A stream's state a decision was made on, and the state it will have once the append commits. */
export interface AppendedAhead {
  streamName: string;
  base: Loaded<unknown>;
  after: Loaded<unknown>;
}

export function appendedAhead<State, Event>(
  streamName: string,
  base: Loaded<State>,
  events: readonly Event[],
  evolve: (state: State, event: Event) => State,
): AppendedAhead {
  const revision = (base.revision === 'no_stream' ? -1n : base.revision) + BigInt(events.length);
  return { streamName, base, after: { state: events.reduce(evolve, base.state), revision, position: undefined } };
}

/**
 * Runs `attempt` in the key's queue, but awaits the append it starts outside the queue: the next
 * command on the key decides while this one commits (see `appendAhead`). Conflicts are retried.
 */
export function decideInQueue<T>(
  queue: KeyedQueue,
  key: string,
  attempt: () => Promise<{ committed: Promise<T> }>,
): Promise<T> {
  return retryOnConflict.execute(async () => (await queue.run(key, attempt)).committed);
}

/**
 * A refusal decided on states that count appends still in flight may be wrong if one of them
 * fails: wait for them, and have the command decided again on what was committed.
 */
export async function refuseOnlyWhenSettled(states: readonly Loaded<unknown>[]): Promise<void> {
  const pending = states.flatMap((loaded) => (loaded.pending ? [loaded.pending] : []));
  if (pending.length === 0) return;
  await Promise.allSettled(pending);
  throw new StaleDecisionError();
}

/** A decision was made on state that has since changed; decide again. */
export class StaleDecisionError extends Error {
  constructor() {
    super('Decided on state that counted appends then in flight');
    this.name = 'StaleDecisionError';
  }
}

/** The stream states this store's loads keep (sizes for the metrics). */
export function stateCacheOf(store: EventStore): StateCache {
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new LruCache(DEFAULT_CACHED_STREAMS)));
  return cache;
}

/** Undefined, not a promise, when no snapshot can exist: the stream read then leaves in the same tick as the caller's other reads. */
function fromSnapshot<State>(store: EventStore, streamName: string): Promise<Loaded<State> | undefined> | undefined {
  const source = snapshotSources.get(store);
  return source?.covers(streamName) ? readSnapshot<State>(source, streamName) : undefined;
}

async function readSnapshot<State>(source: SnapshotSource, streamName: string): Promise<Loaded<State> | undefined> {
  const snapshot = await source.read(streamName);
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
 * Someone else wrote first, or an append decided upon failed: decide again on fresh state.
 * Bounded, with jittered exponential backoff.
 */
export const retryOnConflict = retry(handleType(WrongExpectedRevisionError).orType(StaleDecisionError), {
  maxAttempts: 20,
  backoff: new ExponentialBackoff({ initialDelay: 5, maxDelay: 200 }),
});
