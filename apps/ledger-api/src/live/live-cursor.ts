import { parsePosition, Position, positionToString } from '@ledger/event-store';

const BASE64URL = /^[A-Za-z0-9_-]{1,64}$/;

/** A place in `$all` as the live channel shows it: opaque to clients (base64url, no padding). */
export function encodeLiveCursor(position: Position): string {
  return Buffer.from(positionToString(position), 'utf8').toString('base64url');
}

/**
 * The position a cursor names, or undefined for anything the server did not issue. Strict: only
 * the one canonical spelling of a position decodes, so a client cannot smuggle in another form.
 */
export function decodeLiveCursor(cursor: string): Position | undefined {
  if (!BASE64URL.test(cursor)) return undefined;
  const position = parsePosition(Buffer.from(cursor, 'base64url').toString('utf8'));
  return position && encodeLiveCursor(position) === cursor ? position : undefined;
}
