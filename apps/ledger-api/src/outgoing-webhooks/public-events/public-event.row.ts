import { positionToString } from '@ledger/event-store';
import { PublicEvent, PublicEventType } from './public-event-types';

/** The columns of `rm_public_events` that make up the event as delivered. */
export const PUBLIC_EVENT_COLUMNS = 'id, type, position_commit, position_prepare, ordinal, created, data';

export interface PublicEventRow {
  id: string;
  type: PublicEventType;
  position_commit: string;
  position_prepare: string;
  ordinal: number;
  created: Date;
  /** JSON text. */
  data: string;
}

export function toPublicEvent(row: PublicEventRow): PublicEvent {
  return {
    id: row.id,
    type: row.type,
    created: row.created.toISOString(),
    position: positionToString({ commit: BigInt(row.position_commit), prepare: BigInt(row.position_prepare) }),
    data: JSON.parse(row.data),
  };
}
