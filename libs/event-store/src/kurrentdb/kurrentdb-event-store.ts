import {
  BACKWARDS,
  END,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { setTimeout as delay } from 'node:timers/promises';
import {
  AppendOptions,
  AppendRequest,
  AppendResult,
  comparePositions,
  DecidedOnFailedAppendError,
  EventFilter,
  EventStore,
  EventSubscription,
  ExpectedRevision,
  matchesFilter,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from '../event-store.port';
import { ChainedEvent, ChainedStreamSource } from '../hash-chain';
import { chainAppend, chainedEvent, ChainLink, TailEvent } from './kurrentdb-hash-chain';
import {
  fromResolvedChainedEvent,
  fromResolvedEvent,
  mapAppendError,
  toAppendStreamState,
  toPosition,
} from './kurrentdb-mapping';

const RESUBSCRIBE_DELAY_MS = 1_000;
/** A filtered count reads the events it counts: beyond this many it says this many. */
const FILTERED_COUNT_LIMIT = 1_000;
/** An append chained on a tail that another writer moved meanwhile is chained again, this many times in all. */
const CHAIN_ATTEMPTS = 5;

/** The production adapter: KurrentDB ≥ 25.1, whose `multiStreamAppend` makes several streams' writes atomic. */
export class KurrentDbEventStore implements EventStore, ChainedStreamSource {
  /** A record beside the events would be a second write, not one transaction: the caller writes it. */
  readonly recordsWithAppends = false;
  private readonly client: KurrentDBClient;

  constructor(
    connectionString: string,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {
    this.client = KurrentDBClient.connectionString`${connectionString}`;
  }

  /**
   * Each stream's events chained on its tail, read just before, and appended at the revision
   * they chained on: when another writer got in between, KurrentDB refuses the append and it is
   * chained again on the new tail (see kurrentdb-hash-chain.ts).
   */
  async append(requests: readonly AppendRequest[], options: AppendOptions = {}): Promise<AppendResult> {
    if (options.record) throw new Error('KurrentDB appends take no record (recordsWithAppends is false)');
    // Sent once those it was decided on are written: KurrentDB cannot be told to refuse it after.
    const earlier = await Promise.allSettled(options.after ?? []);
    if (earlier.some((outcome) => outcome.status === 'rejected')) throw new DecidedOnFailedAppendError();
    const expectedByStream = new Map<string, ExpectedRevision>(
      requests.map((request) => [request.streamName, request.expectedRevision]),
    );
    for (let attempt = 1; ; attempt++) {
      const tails = await Promise.all(
        requests.map((request) => this.readTail(request.streamName, request.events.length)),
      );
      const timeMicros = BigInt(Date.now()) * 1_000n;
      const chained = requests.map((request, index) => chainAppend(request, tails[index], timeMicros));
      try {
        const result = await this.client.multiStreamAppend(
          chained.map((append) => ({
            streamName: append.streamName,
            expectedState: toAppendStreamState(append.expectedRevision),
            events: append.events.map((event) =>
              jsonEvent({
                id: event.id,
                type: event.type,
                data: event.data as never,
                metadata: event.metadata as never,
              }),
            ),
          })),
        );
        const position = BigInt(result.position);
        return {
          streams: result.responses.map((response) => ({
            streamName: response.streamName,
            revision: BigInt(response.revision),
          })),
          position: { commit: position, prepare: position },
        };
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && attempt < CHAIN_ATTEMPTS) continue;
        throw mapAppendError(error, expectedByStream);
      }
    }
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return (await this.readLinkedStream(streamName, options)).map((linked) => linked.event);
  }

  /** For verifyChains (../hash-chain.ts): a stream's events with the hashes the adapter chained them with. */
  async readChainedStream(streamName: string, fromRevision: bigint, maxCount: number): Promise<ChainedEvent[]> {
    return (await this.readLinkedStream(streamName, { fromRevision, maxCount })).map(({ event, link }) =>
      chainedEvent(event, link),
    );
  }

  /**
   * For verifyChains: every stream that has events, in the order of its first in `$all`. The names
   * seen are kept (to give each once): memory grows with the number of streams, not of events.
   */
  async *streamNames(): AsyncGenerator<string> {
    const seen = new Set<string>();
    for await (const resolved of this.client.readAll({ fromPosition: START, filter: excludeSystemEvents() })) {
      const event = fromResolvedEvent(resolved);
      if (!event || seen.has(event.streamName)) continue;
      seen.add(event.streamName);
      yield event.streamName;
    }
  }

  /** A stream's last `count` events, oldest first, with their links. */
  private async readTail(streamName: string, count: number): Promise<TailEvent[]> {
    const tail = await this.readLinkedStream(streamName, { direction: 'backwards', maxCount: count });
    return tail.reverse().map(({ event, link }) => ({ id: event.id, revision: event.revision, link }));
  }

  private async readLinkedStream(
    streamName: string,
    options: ReadStreamOptions,
  ): Promise<{ event: RecordedEvent; link: ChainLink | undefined }[]> {
    const backwards = options.direction === 'backwards';
    const events = [];
    try {
      for await (const resolved of this.client.readStream(streamName, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      })) {
        const chained = fromResolvedChainedEvent(resolved as never);
        if (chained) events.push(chained);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const events: RecordedEvent[] = [];
    // fromPosition is inclusive in KurrentDB; the port's `after` is not.
    for await (const resolved of this.client.readAll({
      fromPosition: options.after ?? START,
      maxCount: maxCount + 1,
      filter: excludeSystemEvents(),
    })) {
      const event = fromResolvedEvent(resolved);
      if (!event || (options.after && comparePositions(event.position, options.after) <= 0)) continue;
      if (matchesFilter(event, options.filter)) events.push(event);
      if (events.length >= maxCount) break;
    }
    return events;
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    let closed = false;
    let current: { unsubscribe(): Promise<void> } | undefined;
    const { client, onError } = this;
    return {
      async *[Symbol.asyncIterator]() {
        let after: Position | undefined = options.after;
        while (!closed) {
          const subscription = client.subscribeToAll({
            fromPosition: after ?? START,
            filter: excludeSystemEvents(),
          });
          current = subscription;
          try {
            for await (const resolved of subscription) {
              if (closed) return;
              const event = fromResolvedEvent(resolved);
              if (!event || (after && comparePositions(event.position, after) <= 0)) continue;
              after = event.position;
              if (matchesFilter(event, options.filter)) yield event;
            }
          } catch (error) {
            if (closed) return;
            // A dropped subscription resumes from the last event it delivered.
            onError(error as Error);
            await delay(RESUBSCRIBE_DELAY_MS);
          }
        }
      },
      close: async () => {
        closed = true;
        await current?.unsubscribe();
      },
    };
  }

  async headPosition(): Promise<Position | undefined> {
    return this.head();
  }

  async countAfter(position: Position | undefined, filter?: EventFilter): Promise<bigint> {
    // A consumer's lag: the events it subscribes to, read and counted up to a bound.
    if (filter) return BigInt((await this.readAll({ after: position, filter, maxCount: FILTERED_COUNT_LIMIT })).length);
    const head = await this.head();
    if (!head) return 0n;
    const from = position?.commit ?? 0n;
    // KurrentDB positions are byte offsets in its log: this is an estimate in bytes, not events.
    return head.commit > from ? head.commit - from : 0n;
  }

  async ping(): Promise<void> {
    await this.head();
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private async head(): Promise<Position | undefined> {
    for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
      if (resolved.event) return toPosition(resolved.event.position);
    }
    return undefined;
  }
}
