import {
  AppendRequest,
  EventData,
  EventMetadata,
  ExpectedRevision,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { ChainedEvent, eventContent, eventHash } from '../hash-chain';

/**
 * Hash chains computed by the KurrentDB adapter before it appends, over the same content as
 * PostgreSQL's es_event_content (see ../hash-chain.ts), so that one event hashes alike in both
 * stores. KurrentDB assigns an event's time on the server, after the hash is
 * made: the time hashed is the writer's clock, recorded with the chain in the event's metadata.
 */

/** Where an event's link is kept: in its metadata, under this key, which reads remove again. */
export const CHAIN_METADATA_KEY = '$hashChain';

export interface ChainLink {
  /** The writer's clock when it chained the event, in microseconds since 1970 (decimal). */
  time: string;
  /** The hash of the stream's event before it (hex), or null for a stream's first chained event. */
  previous: string | null;
  hash: string;
}

/** Where a stream's chain stands: its last revision and that event's hash (null if unchained). */
export interface ChainHead {
  revision: bigint;
  hash: string | null;
}

/** The links of events appended after `head` (undefined: a new stream), chained one onto the next. */
export function chainEvents(
  streamName: string,
  head: ChainHead | undefined,
  events: readonly EventData[],
  timeMicros: bigint,
): ChainLink[] {
  let previous = head?.hash ?? null;
  return events.map((event, offset) => {
    const hash = eventHash(
      previous,
      eventContent({
        streamName,
        revision: (head?.revision ?? -1n) + 1n + BigInt(offset),
        id: event.id,
        type: event.type,
        data: event.data,
        metadata: event.metadata ?? {},
        timeMicros,
      }),
    );
    const link = { time: timeMicros.toString(), previous, hash };
    previous = hash;
    return link;
  });
}

/** The last events of a stream as an append reads them before it chains on: oldest first. */
export interface TailEvent {
  id: string;
  revision: bigint;
  link: ChainLink | undefined;
}

/** What an append sends to KurrentDB: its events with their links, at the revision they chain on. */
export interface ChainedAppend {
  streamName: string;
  expectedRevision: bigint | 'no_stream';
  events: EventData[];
}

/**
 * An append chained on its stream's tail (its last `events.length` events), at exactly the
 * revision it chained on, so that a writer that got in between makes KurrentDB refuse it. The
 * caller's expected revision is checked here against that tail. An append whose events are the
 * tail already is a retry: it is sent again at the revision it was first written at, which
 * KurrentDB recognises by the event ids and answers without writing.
 */
export function chainAppend(request: AppendRequest, tail: readonly TailEvent[], timeMicros: bigint): ChainedAppend {
  const retried =
    tail.length === request.events.length && tail.every((event, index) => event.id === request.events[index].id);
  const last = tail.at(-1);
  const head: ChainHead | undefined = retried
    ? tail[0].revision > 0n
      ? { revision: tail[0].revision - 1n, hash: tail[0].link?.previous ?? null }
      : undefined
    : last && { revision: last.revision, hash: last.link?.hash ?? null };
  if (!retried && !expectationHolds(request.expectedRevision, head?.revision)) {
    throw new WrongExpectedRevisionError(request.streamName, request.expectedRevision, head?.revision ?? 'no_stream');
  }
  const links = chainEvents(request.streamName, head, request.events, timeMicros);
  return {
    streamName: request.streamName,
    expectedRevision: head?.revision ?? 'no_stream',
    events: request.events.map((event, index) => ({
      ...event,
      metadata: { ...event.metadata, [CHAIN_METADATA_KEY]: links[index] },
    })),
  };
}

function expectationHolds(expected: ExpectedRevision, revision: bigint | undefined): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return revision === undefined;
  if (expected === 'stream_exists') return revision !== undefined;
  return revision === expected;
}

/** An event's metadata as its writer gave it, and its link (if it was chained). */
export function splitChainLink(metadata: EventMetadata): { metadata: EventMetadata; link: ChainLink | undefined } {
  const { [CHAIN_METADATA_KEY]: link, ...rest } = metadata;
  return { metadata: rest, link: link as ChainLink | undefined };
}

/** An event as read back, for the check of its stream's chain: hashed at its link's time; no hash when it has no link. */
export function chainedEvent(event: RecordedEvent, link: ChainLink | undefined): ChainedEvent {
  return {
    streamName: event.streamName,
    revision: event.revision,
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    timeMicros: link ? BigInt(link.time) : 0n,
    hash: link?.hash ?? null,
  };
}
