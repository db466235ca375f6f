import { ExponentialBackoff, handleType, retry } from 'cockatiel';
import { EventData, EventStore, Position, RecordedEvent, WrongExpectedRevisionError } from '@ledger/event-store';

export interface Loaded<State> {
  state: State;
  /** Last revision read, or `no_stream`: the expected revision for the next append. */
  revision: bigint | 'no_stream';
  /** Position of the last event read. */
  position: Position | undefined;
}

/** Rebuilds an aggregate's state from its stream. */
export async function loadAggregate<State, Event>(
  store: EventStore,
  streamName: string,
  evolve: (state: State, event: Event) => State,
  initialState: State,
): Promise<Loaded<State>> {
  const events = await store.readStream(streamName);
  const state = events.reduce((current, recorded) => evolve(current, toDomainEvent<Event>(recorded)), initialState);
  const last = events[events.length - 1];
  return { state, revision: last ? last.revision : 'no_stream', position: last?.position };
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
