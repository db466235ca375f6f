import {
  BACKWARDS,
  END,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  START,
  StreamNotFoundError,
} from '@kurrent/kurrentdb-client';
import { setTimeout as delay } from 'node:timers/promises';
import {
  AppendRequest,
  AppendResult,
  comparePositions,
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
import { fromResolvedEvent, mapAppendError, toAppendStreamState, toPosition } from './kurrentdb-mapping';

const RESUBSCRIBE_DELAY_MS = 1_000;
/** A filtered count reads the events it counts: beyond this many it says this many. */
const FILTERED_COUNT_LIMIT = 1_000;

/** The production adapter: KurrentDB ≥ 25.1, whose `multiStreamAppend` makes several streams' writes atomic. */
export class KurrentDbEventStore implements EventStore {
  private readonly client: KurrentDBClient;

  constructor(
    connectionString: string,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {
    this.client = KurrentDBClient.connectionString`${connectionString}`;
  }

  async append(requests: readonly AppendRequest[]): Promise<AppendResult> {
    const expectedByStream = new Map<string, ExpectedRevision>(
      requests.map((request) => [request.streamName, request.expectedRevision]),
    );
    try {
      const result = await this.client.multiStreamAppend(
        requests.map((request) => ({
          streamName: request.streamName,
          expectedState: toAppendStreamState(request.expectedRevision),
          events: request.events.map((event) =>
            jsonEvent({ id: event.id, type: event.type, data: event.data as never, metadata: event.metadata ?? {} }),
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
      throw mapAppendError(error, expectedByStream);
    }
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamName, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      })) {
        const event = fromResolvedEvent(resolved as never);
        if (event) events.push(event);
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
