import { createHash } from 'node:crypto';
import { EventMetadata } from './event-store.port';

/**
 * Hash chains, whichever store keeps them: every event hashes its stream's previous hash and its
 * own canonical content, the same bytes as PostgreSQL's es_event_content
 * (postgres/migrations/1700000001000_hash-chains.sql), so that one event hashes alike in both
 * stores; and the check of one stream's chain over its events as read back.
 */

/** How a link of a stream's chain (or of the checkpoints) is broken. */
export type BrokenLinkKind = 'edited' | 'missing' | 'reordered' | 'inserted';

export interface BrokenLink {
  kind: BrokenLinkKind;
  /** The stream, or `$checkpoints` for the checkpoints' own chain. */
  stream: string;
  /** The revision (or checkpoint id) where the chain breaks. */
  revision: string;
  eventId: string | null;
  detail: string;
}

export interface ChainReport {
  events: number;
  streams: number;
  checkpoints: number;
  brokenLinks: BrokenLink[];
  brokenLinkCount: number;
}

/** Broken links listed in full; beyond these only counted. */
export const MAX_LISTED_BROKEN_LINKS = 1_000;

export interface HashedEvent {
  streamName: string;
  revision: bigint;
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  timeMicros: bigint;
}

/** An event as recorded, with the hash its store recorded for it (hex; null when it has none). */
export interface ChainedEvent extends HashedEvent {
  hash: string | null;
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

/** The hash `event` would have if it were at `revision`, chained on `previous`. */
const hashAt = (event: ChainedEvent, revision: bigint, previous: string | null | undefined) =>
  eventHash(previous ?? null, eventContent({ ...event, revision }));

/**
 * The broken links of one stream's chain, given its events in stream order (oldest first), as the
 * store reads them back; an event is judged when the one after it is read, so memory stays flat
 * however long the stream. Each event must hash onto the event before it. One that does not is
 * named from its neighbours, as PostgreSQL's verification names it: a gap in the revisions is
 * `missing`; an event with no hash, or one the event after it skips over (that event chains on the
 * one before), was `inserted`; one that hashes as the next or the previous revision was
 * `reordered` (a swap breaks both places, an insertion moves the events after it up one); any
 * other is `edited`. An event that chains on the one
 * two before is not named again: the event between was named already.
 */
export async function* brokenLinksOfStream(
  events: AsyncIterable<ChainedEvent> | Iterable<ChainedEvent>,
): AsyncGenerator<BrokenLink> {
  // The last two events judged, and the one waiting for its next.
  let [beforePrevious, previous, current]: (ChainedEvent | undefined)[] = [];
  const judged = (next: ChainedEvent | undefined) => {
    const link = current && judge(current, previous, beforePrevious, next);
    [beforePrevious, previous, current] = [previous, current, next];
    return link;
  };
  for await (const next of events) {
    const link = judged(next);
    if (link) yield link;
  }
  const last = judged(undefined);
  if (last) yield last;
}

function judge(
  event: ChainedEvent,
  previous: ChainedEvent | undefined,
  beforePrevious: ChainedEvent | undefined,
  next: ChainedEvent | undefined,
): BrokenLink | undefined {
  const expected = (previous?.revision ?? -1n) + 1n;
  const kind: BrokenLinkKind | undefined =
    event.revision !== expected
      ? 'missing'
      : event.hash === hashAt(event, event.revision, previous?.hash)
        ? undefined
        : event.hash === null
          ? 'inserted'
          : next && event.hash === hashAt(event, event.revision + 1n, next.hash)
            ? 'reordered'
            : event.hash === hashAt(event, event.revision - 1n, beforePrevious?.hash) ||
                event.hash === hashAt(event, event.revision - 1n, previous?.hash)
              ? 'reordered'
              : event.hash === hashAt(event, event.revision, beforePrevious?.hash)
                ? undefined
                : next && next.hash === hashAt(next, event.revision, previous?.hash)
                  ? 'inserted'
                  : 'edited';
  if (!kind) return undefined;
  return {
    kind,
    stream: event.streamName,
    revision: event.revision.toString(),
    eventId: event.id,
    detail: describeEventLink(kind, event.revision, previous?.revision),
  };
}

export function describeEventLink(kind: BrokenLinkKind, revision: bigint, previous: bigint | undefined): string {
  switch (kind) {
    case 'missing':
      return `revisions ${previous === undefined ? 0n : previous + 1n} to ${revision - 1n} are missing`;
    case 'edited':
      return 'its content does not match its hash';
    case 'reordered':
      return 'it was recorded at another revision';
    case 'inserted':
      return 'it was not appended through the event store';
  }
}

/** A store that keeps each event's hash with it and reads them back (the KurrentDB adapter). */
export interface ChainedStreamSource {
  /** Every stream's name, once each. */
  streamNames(): AsyncIterable<string>;
  /** Up to `maxCount` of a stream's events from `fromRevision` on, oldest first, with their recorded hashes. */
  readChainedStream(streamName: string, fromRevision: bigint, maxCount: number): Promise<ChainedEvent[]>;
}

const PAGE = 1_000;

/** Every stream's chain checked, a stream at a time, a page of its events at a time. */
export async function verifyChains(source: ChainedStreamSource): Promise<ChainReport> {
  const report: ChainReport = { events: 0, streams: 0, checkpoints: 0, brokenLinks: [], brokenLinkCount: 0 };
  async function* pagesOf(streamName: string): AsyncGenerator<ChainedEvent> {
    for (let from = 0n; ;) {
      const page = await source.readChainedStream(streamName, from, PAGE);
      report.events += page.length;
      yield* page;
      if (page.length < PAGE) return;
      from = page[page.length - 1].revision + 1n;
    }
  }
  for await (const streamName of source.streamNames()) {
    report.streams++;
    for await (const link of brokenLinksOfStream(pagesOf(streamName))) {
      report.brokenLinkCount++;
      if (report.brokenLinks.length < MAX_LISTED_BROKEN_LINKS) report.brokenLinks.push(link);
    }
  }
  return report;
}
