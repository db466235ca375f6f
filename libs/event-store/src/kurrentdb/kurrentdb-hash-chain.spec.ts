import { createHash } from 'node:crypto';
import { WrongExpectedRevisionError } from '../event-store.port';
import { eventContent, eventHash, jsonbText } from '../hash-chain';
import {
  CHAIN_METADATA_KEY,
  chainAppend,
  chainEvents,
  ChainLink,
  splitChainLink,
  TailEvent,
} from './kurrentdb-hash-chain';

const TIME = 1_764_000_000_123_456n;
const event = (n: number) => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  type: 'FundsDeposited',
  data: { amount: String(n) },
  metadata: { correlationId: `c${n}` },
});

describe('KurrentDB hash chains: the canonical content', () => {
  it('renders JSON as PostgreSQL renders jsonb: keys shortest first, then by bytes; ", " and ": "', () => {
    expect(jsonbText({ bb: 1, a: [true, null, 'x'], ab: { z: {}, y: [] } })).toBe(
      '{"a": [true, null, "x"], "ab": {"y": [], "z": {}}, "bb": 1}',
    );
    expect(jsonbText({ é: 1, z: 2, ab: 3 })).toBe('{"z": 2, "ab": 3, "é": 1}');
  });

  it('writes numbers out as numeric does, escapes strings as JSON, and takes the value as JSON.stringify sends it', () => {
    expect(jsonbText([1e21, 1.5e-7, -2.5e25, 0.1, -3, 1.2345e21])).toBe(
      '[1000000000000000000000, 0.00000015, -25000000000000000000000000, 0.1, -3, 1234500000000000000000]',
    );
    expect(jsonbText({ text: 'a "quoted"\n\\ tab\t ctrl\u0001 émoji 😀' })).toBe(
      '{"text": "a \\"quoted\\"\\n\\\\ tab\\t ctrl\\u0001 émoji 😀"}',
    );
    expect(jsonbText({ at: new Date('2026-01-02T03:04:05.678Z'), gone: undefined })).toBe(
      '{"at": "2026-01-02T03:04:05.678Z"}',
    );
  });

  it('prefixes each field with its length in characters, as es_event_content', () => {
    const content = eventContent({
      streamName: 'compte-é',
      revision: 12n,
      id: event(1).id.toUpperCase(),
      type: 'T',
      data: { a: 1 },
      metadata: {},
      timeMicros: TIME,
    });
    expect(content.toString('utf8')).toBe(`8:compte-é2:1236:${event(1).id}1:T8:{"a": 1}2:{}${TIME}`);
  });
});

describe('KurrentDB hash chains: chaining', () => {
  const hashOf = (previous: string | null, text: string) =>
    createHash('sha256')
      .update(Buffer.concat([Buffer.from(previous ?? '', 'hex'), Buffer.from(text, 'utf8')]))
      .digest('hex');

  it("hashes a stream's first event over its content alone and each next one over the hash before it", () => {
    const [first, second] = chainEvents('account-1', undefined, [event(1), event(2)], TIME);
    const content = (n: number, revision: number) =>
      eventContent({ streamName: 'account-1', revision: BigInt(revision), ...event(n), timeMicros: TIME });
    expect(first).toEqual({ time: TIME.toString(), previous: null, hash: hashOf(null, content(1, 0).toString()) });
    expect(second.previous).toBe(first.hash);
    expect(second.hash).toBe(eventHash(first.hash, content(2, 1)));
  });

  it('goes on from a head exactly as if the events had been chained in one batch', () => {
    const batch = chainEvents('account-1', undefined, [event(1), event(2), event(3)], TIME);
    const [head] = chainEvents('account-1', undefined, [event(1)], TIME);
    const continued = chainEvents('account-1', { revision: 0n, hash: head.hash }, [event(2), event(3)], TIME);
    expect(continued).toEqual(batch.slice(1));
  });
});

describe('KurrentDB hash chains: an append chained on its tail', () => {
  const tailOf = (links: ChainLink[], ids: string[]): TailEvent[] =>
    links.map((link, index) => ({ id: ids[index], revision: BigInt(index), link }));
  const written = chainEvents('account-1', undefined, [event(1), event(2)], TIME);
  const tail = tailOf(written, [event(1).id, event(2).id]);

  it('chains on the last event and is appended at its revision, the link in the metadata', () => {
    const append = chainAppend({ streamName: 'account-1', expectedRevision: 'any', events: [event(3)] }, tail, TIME);
    expect(append.expectedRevision).toBe(1n);
    const { metadata, link } = splitChainLink(append.events[0].metadata!);
    expect(metadata).toEqual(event(3).metadata);
    expect(link).toEqual(chainEvents('account-1', { revision: 1n, hash: written[1].hash }, [event(3)], TIME)[0]);
  });

  it('starts a new stream with no previous hash, appended as no_stream', () => {
    const append = chainAppend(
      { streamName: 'account-2', expectedRevision: 'no_stream', events: [event(1)] },
      [],
      TIME,
    );
    expect(append.expectedRevision).toBe('no_stream');
    expect(append.events[0].metadata![CHAIN_METADATA_KEY]).toMatchObject({ previous: null });
  });

  it.each([
    ['no_stream', 1n],
    [0n, 1n],
  ] as const)('refuses expected revision %p when the stream is at %p', (expectedRevision, actual) => {
    expect(() => chainAppend({ streamName: 'account-1', expectedRevision, events: [event(3)] }, tail, TIME)).toThrow(
      new WrongExpectedRevisionError('account-1', expectedRevision, actual),
    );
  });

  it('refuses stream_exists on a stream that does not exist', () => {
    expect(() =>
      chainAppend({ streamName: 'account-2', expectedRevision: 'stream_exists', events: [event(1)] }, [], TIME),
    ).toThrow(new WrongExpectedRevisionError('account-2', 'stream_exists', 'no_stream'));
  });

  it('sends a retried append again at the revision it was first written at, with the same chain', () => {
    const retried = chainAppend(
      { streamName: 'account-1', expectedRevision: 'no_stream', events: [event(1), event(2)] },
      tail,
      TIME,
    );
    expect(retried.expectedRevision).toBe('no_stream');
    expect(retried.events.map((chained) => splitChainLink(chained.metadata!).link)).toEqual(written);
  });
});
