import { EventData, RecordedEvent } from '@ledger/event-store';

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
