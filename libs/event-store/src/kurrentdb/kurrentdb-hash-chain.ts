import { createHash } from 'node:crypto';
import {
  AppendRequest,
  EventData,
  EventMetadata,
  ExpectedRevision,
  WrongExpectedRevisionError,
} from '../event-store.port';

/**
 * Hash chains computed by the KurrentDB adapter before it appends, over the same content as
 * PostgreSQL's es_event_content (migrations/1700000001000_hash-chains.sql), so that one event
 * hashes alike in both stores. KurrentDB assigns an event's time on the server, after the hash is
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

export interface HashedEvent {
  streamName: string;
  revision: bigint;
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  timeMicros: bigint;
}

/** The bytes an event's hash covers: each field length-prefixed (in characters), as es_event_content. */
export function eventContent(event: HashedEvent): Buffer {
  const field = (text: string) => `${[...text].length}:${text}`;
  return Buffer.from(
    field(event.streamName) +
      field(event.revision.toString()) +
      field(event.id.toLowerCase()) +
      field(event.type) +
      field(jsonbText(event.data)) +
      field(jsonbText(event.metadata)) +
      event.timeMicros.toString(),
    'utf8',
  );
}

/** sha256 over the previous hash (none for a stream's first event) and the event's content, as es_event_hash. */
export function eventHash(previous: string | null, content: Buffer): string {
  return createHash('sha256')
    .update(Buffer.from(previous ?? '', 'hex'))
    .update(content)
    .digest('hex');
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

/**
 * A JSON value as PostgreSQL renders it as jsonb text: object keys shortest first, then by their
 * UTF-8 bytes; ", " and ": " between items; numbers in exponent form written out. The value is
 * taken as JSON.stringify sends it (a Date as its ISO string, undefined members left out).
 */
export function jsonbText(value: unknown): string {
  return render(JSON.parse(JSON.stringify(value) ?? 'null') as unknown);
}

function render(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
  if (typeof value === 'number') return numericText(JSON.stringify(value));
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const members = value as Record<string, unknown>;
  const keys = Object.keys(members).sort((a, b) => {
    const [x, y] = [Buffer.from(a), Buffer.from(b)];
    return x.length - y.length || Buffer.compare(x, y);
  });
  return `{${keys.map((key) => `${JSON.stringify(key)}: ${render(members[key])}`).join(', ')}}`;
}

/** A JSON number as PostgreSQL's numeric prints it: 1e+21 as 1000000000000000000000, 1.5e-7 as 0.00000015. */
function numericText(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction = '', exponent] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
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
