import {
  AllStreamResolvedEvent,
  AppendStreamState,
  CurrentStreamState,
  NO_STREAM,
  ANY,
  STREAM_EXISTS,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import {
  ExpectedRevision,
  EventMetadata,
  Position,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { ChainLink, splitChainLink } from './kurrentdb-hash-chain';

/**
 * Translation between the port and @kurrent/kurrentdb-client. Some client versions hand out
 * revisions and positions as numbers: everything numeric goes through BigInt here.
 */

export function toAppendStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      return BigInt(expected);
  }
}

export function fromCurrentStreamState(state: CurrentStreamState | number | undefined): bigint | 'no_stream' {
  return state === undefined || state === NO_STREAM ? 'no_stream' : BigInt(state);
}

export function toPosition(position: { commit: bigint | number; prepare: bigint | number }): Position {
  return { commit: BigInt(position.commit), prepare: BigInt(position.prepare) };
}

/** Maps the client's conflict error onto the port's; other errors pass through unchanged. */
export function mapAppendError(error: unknown, expectedByStream: ReadonlyMap<string, ExpectedRevision>): unknown {
  if (!(error instanceof WrongExpectedVersionError)) return error;
  const expected = expectedByStream.get(error.streamName) ?? 'any';
  return new WrongExpectedRevisionError(error.streamName, expected, fromCurrentStreamState(error.actualState));
}

/** The port's event from a resolved `$all` event; undefined for system events and unresolved links. */
export function fromResolvedEvent(resolved: AllStreamResolvedEvent): RecordedEvent | undefined {
  return fromResolvedChainedEvent(resolved)?.event;
}

/** The port's event (its metadata without the hash chain's link) and its link, if it was chained. */
export function fromResolvedChainedEvent(
  resolved: AllStreamResolvedEvent,
): { event: RecordedEvent; link: ChainLink | undefined } | undefined {
  const event = resolved.event;
  if (!event || event.type.startsWith('$') || !event.isJson) return undefined;
  const { metadata, link } = splitChainLink((event.metadata ?? {}) as EventMetadata);
  return {
    event: {
      id: event.id,
      type: event.type,
      data: event.data,
      metadata,
      streamName: event.streamId,
      revision: BigInt(event.revision),
      position: toPosition(event.position),
      createdAt: new Date(event.created),
    },
    link,
  };
}
