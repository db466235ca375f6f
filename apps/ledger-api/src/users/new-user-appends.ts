import { AppendRequest, EventMetadata } from '@ledger/event-store';
import { apiKeyStreamName, decideUser, initialUserState, Role, userStreamName } from '@ledger/ledger-domain';
import { eventIdFor } from '../shared/command-context';
import { toEventData } from '@ledger/event-sourcing';

export interface NewUser {
  userId: string;
  name: string;
  role: Role;
  /** Hash of the user's first API key. */
  keyHash: string;
}

/**
 * The appends that create a user and issue its first API key: the user's stream and the key's
 * stream, both new. Shared by the API, the admin bootstrap and the demo seed.
 */
export function newUserAppends(user: NewUser, now: Date, metadata: EventMetadata): AppendRequest[] {
  const decision = decideUser({ type: 'CreateUser', ...user }, initialUserState, now);
  if (!decision.ok) throw new Error(decision.error.message); // a user that does not exist yet is always accepted
  const [created, issued] = toEventData(decision.events, eventIdFor(user.userId, 'create'), metadata);
  return [
    { streamName: userStreamName(user.userId), expectedRevision: 'no_stream', events: [created] },
    { streamName: apiKeyStreamName(user.keyHash), expectedRevision: 'no_stream', events: [issued] },
  ];
}
