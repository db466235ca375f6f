import { WrongExpectedVersionError } from '@kurrent/kurrentdb-client';
import { WrongExpectedRevisionError } from '../event-store.port';
import { CHAIN_METADATA_KEY } from './kurrentdb-hash-chain';
import {
  fromCurrentStreamState,
  fromResolvedChainedEvent,
  fromResolvedEvent,
  mapAppendError,
  toAppendStreamState,
  toPosition,
} from './kurrentdb-mapping';

describe('KurrentDB mapping', () => {
  it.each([
    ['no_stream', 'no_stream'],
    ['stream_exists', 'stream_exists'],
    ['any', 'any'],
    [7n, 7n],
  ] as const)('maps expected revision %p to stream state %p', (expected, state) => {
    expect(toAppendStreamState(expected)).toBe(state);
  });

  it('maps the current stream state, wrapping numbers in BigInt', () => {
    expect(fromCurrentStreamState('no_stream')).toBe('no_stream');
    expect(fromCurrentStreamState(undefined)).toBe('no_stream');
    expect(fromCurrentStreamState(4n)).toBe(4n);
    expect(fromCurrentStreamState(4)).toBe(4n);
  });

  it('wraps positions given as numbers in BigInt', () => {
    expect(toPosition({ commit: 10, prepare: 9 })).toEqual({ commit: 10n, prepare: 9n });
    expect(toPosition({ commit: 2n ** 62n, prepare: 1n })).toEqual({ commit: 2n ** 62n, prepare: 1n });
  });

  it('maps a wrong-expected-version error onto the port conflict, naming stream, expected and actual', () => {
    const clientError = new WrongExpectedVersionError(undefined, {
      streamName: 'account-1',
      expected: 3n,
      current: 5n,
    } as never);
    const mapped = mapAppendError(clientError, new Map([['account-1', 3n]]));
    expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
    expect(mapped).toMatchObject({ streamName: 'account-1', expected: 3n, actual: 5n });
  });

  it('passes other errors through', () => {
    const other = new Error('unavailable');
    expect(mapAppendError(other, new Map())).toBe(other);
  });

  it('maps a resolved JSON event and drops system events', () => {
    const created = new Date('2026-01-01T00:00:00Z');
    const event = {
      id: 'e-1',
      type: 'Deposited',
      streamId: 'account-1',
      revision: 3,
      isJson: true,
      data: { amount: '10' },
      metadata: { userId: 'u-1' },
      created,
      position: { commit: 100, prepare: 99 },
    };
    expect(fromResolvedEvent({ event } as never)).toEqual({
      id: 'e-1',
      type: 'Deposited',
      data: { amount: '10' },
      metadata: { userId: 'u-1' },
      streamName: 'account-1',
      revision: 3n,
      position: { commit: 100n, prepare: 99n },
      createdAt: created,
    });
    expect(fromResolvedEvent({ event: { ...event, type: '$metadata' } } as never)).toBeUndefined();
    expect(fromResolvedEvent({} as never)).toBeUndefined();
  });

  it("gives an event's metadata as its writer gave it, and its hash chain's link beside it", () => {
    const link = { time: '1', previous: null, hash: 'ab' };
    const event = {
      id: 'e-1',
      type: 'Deposited',
      streamId: 'account-1',
      revision: 0,
      isJson: true,
      data: {},
      metadata: { userId: 'u-1', [CHAIN_METADATA_KEY]: link },
      created: new Date(),
      position: { commit: 1, prepare: 1 },
    };
    expect(fromResolvedChainedEvent({ event } as never)).toMatchObject({
      event: { metadata: { userId: 'u-1' } },
      link,
    });
    expect(fromResolvedEvent({ event } as never)?.metadata).toEqual({ userId: 'u-1' });
  });
});
