import type { FastifyReply } from 'fastify';
import { Position, positionToString } from '@ledger/event-store';

export const LEDGER_POSITION_HEADER = 'X-Ledger-Position';
export const MIN_POSITION_HEADER = 'x-min-position';

/** Every successful command names the position of the last event it wrote. */
export function setLedgerPosition(reply: FastifyReply, position: Position): void {
  void reply.header(LEDGER_POSITION_HEADER, positionToString(position));
}
