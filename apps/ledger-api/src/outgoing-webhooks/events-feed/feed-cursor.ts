import { parsePosition, positionToString } from '@ledger/event-store';
import { ApplicationError } from '../../shared/application-error';

/** A place in the events feed: after the `ordinal`-th fact of the ledger event at `position`. */
export interface FeedCursor {
  commit: string;
  prepare: string;
  ordinal: number;
}

export const FEED_START: FeedCursor = { commit: '0', prepare: '0', ordinal: -1 };

const MAX_ORDINAL = 32_767;

export function encodeFeedCursor(cursor: FeedCursor): string {
  const position = positionToString({ commit: BigInt(cursor.commit), prepare: BigInt(cursor.prepare) });
  return Buffer.from(`${position}:${cursor.ordinal}`).toString('base64url');
}

/** Reads a cursor this API issued; anything else is the client's mistake (400), never a 500. */
export function decodeFeedCursor(text: string): FeedCursor {
  const match = /^([0-9-]+):(\d{1,5})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  const position = match ? parsePosition(match[1]) : undefined;
  const ordinal = match ? Number(match[2]) : NaN;
  if (!position || !(ordinal <= MAX_ORDINAL)) {
    throw new ApplicationError('invalid_cursor', 'The cursor is not one this API issued.');
  }
  return { commit: position.commit.toString(), prepare: position.prepare.toString(), ordinal };
}
