import { BrokenLink, brokenLinksOfStream, ChainedEvent, ChainedStreamSource, verifyChains } from './hash-chain';
import { chainEvents } from './kurrentdb/kurrentdb-hash-chain';

const TIME = 1_764_000_000_123_456n;
const STREAM = 'account-1';

/** A stream of `count` deposits chained as the KurrentDB adapter chains them, as read back. */
function chainedStream(count: number, streamName = STREAM): ChainedEvent[] {
  const events = Array.from({ length: count }, (_, index) => ({
    id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    type: 'FundsDeposited',
    data: { amount: String(100 + index), nested: { b: 1, a: [1.5e-7] } },
    metadata: { correlationId: `c${index}` },
  }));
  const links = chainEvents(streamName, undefined, events, TIME);
  return events.map((event, index) => ({
    ...event,
    streamName,
    revision: BigInt(index),
    timeMicros: TIME,
    hash: links[index].hash,
  }));
}

async function linksOf(events: ChainedEvent[]): Promise<BrokenLink[]> {
  const links = [];
  for await (const link of brokenLinksOfStream(events)) links.push(link);
  return links;
}

const link = (
  kind: BrokenLink['kind'],
  event: ChainedEvent,
  revision = event.revision,
  more: Partial<BrokenLink> = {},
) =>
  expect.objectContaining({
    kind,
    stream: event.streamName,
    revision: revision.toString(),
    eventId: event.id,
    ...more,
  });

describe('the check of one stream hash chain', () => {
  it('finds no broken link in a chain as written, whatever its length', async () => {
    expect(await linksOf([])).toEqual([]);
    expect(await linksOf(chainedStream(1))).toEqual([]);
    expect(await linksOf(chainedStream(6))).toEqual([]);
  });

  it('names an event whose data was changed as edited, and only it', async () => {
    const events = chainedStream(6);
    events[2] = { ...events[2], data: { amount: '1000000', nested: { b: 1, a: [1.5e-7] } } };
    expect(await linksOf(events)).toEqual([link('edited', events[2])]);
  });

  it('names an event whose metadata, type or time was changed as edited', async () => {
    for (const change of [
      { metadata: { correlationId: 'other' } },
      { type: 'FundsWithdrawn' },
      { timeMicros: TIME + 1n },
    ]) {
      const events = chainedStream(3);
      events[1] = { ...events[1], ...change };
      expect(await linksOf(events)).toEqual([link('edited', events[1])]);
    }
  });

  it("names the revisions of a deleted event as missing, at the event after the gap, and a stream's lost start too", async () => {
    const events = chainedStream(6);
    expect(await linksOf([...events.slice(0, 3), ...events.slice(4)])).toEqual([
      link('missing', events[4], 4n, { detail: 'revisions 3 to 3 are missing' }),
    ]);
    expect(await linksOf(events.slice(2))).toEqual([
      link('missing', events[2], 2n, { detail: 'revisions 0 to 1 are missing' }),
    ]);
  });

  it('names two swapped events as reordered, each at the revision it was moved to', async () => {
    const events = chainedStream(6);
    const swapped = [...events];
    swapped[1] = { ...events[2], revision: 1n };
    swapped[2] = { ...events[1], revision: 2n };
    expect(await linksOf(swapped)).toEqual([link('reordered', events[2], 1n), link('reordered', events[1], 2n)]);
  });

  it('names the first two events swapped as reordered too', async () => {
    const events = chainedStream(3);
    const swapped = [{ ...events[1], revision: 0n }, { ...events[0], revision: 1n }, events[2]];
    expect(await linksOf(swapped)).toEqual([link('reordered', events[1], 0n), link('reordered', events[0], 1n)]);
  });

  it('names an event without a hash (appended past the adapter) as inserted', async () => {
    const events = chainedStream(4);
    const forged: ChainedEvent = { ...chainedStream(5)[4], id: 'f0000000-0000-4000-8000-000000000000', hash: null };
    expect(await linksOf([...events, forged])).toEqual([link('inserted', forged)]);
  });

  it('names an event put between two others as inserted, the one after it skipping over it', async () => {
    const events = chainedStream(4);
    const forged: ChainedEvent = { ...events[2], id: 'f0000000-0000-4000-8000-000000000000', hash: 'ab'.repeat(32) };
    // The events after it moved up a revision to make room, keeping their hashes.
    const moved = events.slice(2).map((event) => ({ ...event, revision: event.revision + 1n }));
    const links = await linksOf([...events.slice(0, 2), forged, ...moved]);
    expect(links).toEqual([
      link('inserted', forged),
      // Each event moved is found at a revision it was not chained at.
      link('reordered', moved[0]),
      link('reordered', moved[1]),
    ]);
  });
});

describe('verifyChains over a store that reads its chains back', () => {
  const source = (streams: ChainedEvent[][]): ChainedStreamSource => ({
    async *streamNames() {
      yield* streams.map((events) => events[0].streamName);
    },
    readChainedStream: async (streamName, fromRevision, maxCount) => {
      const events = streams.find((stream) => stream[0].streamName === streamName)!;
      return events.filter((event) => event.revision >= fromRevision).slice(0, maxCount);
    },
  });

  it('checks every stream, reading long ones a page at a time, and counts events, streams and links', async () => {
    const long = chainedStream(2_500, 'account-long');
    const tampered = chainedStream(3, 'account-tampered');
    tampered[1] = { ...tampered[1], data: { amount: '1' } };
    expect(await verifyChains(source([long, tampered]))).toEqual({
      events: 2_503,
      streams: 2,
      checkpoints: 0,
      brokenLinks: [link('edited', tampered[1])],
      brokenLinkCount: 1,
    });
  });
});
