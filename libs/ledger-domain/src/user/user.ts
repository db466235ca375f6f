import { accept, Decision, reject } from '../shared/result';

export type Role = 'customer' | 'merchant' | 'admin';
export const ROLES: readonly Role[] = ['customer', 'merchant', 'admin'];

/**
 * A user lives on `user-<id>`; each API key on `apikey-<sha256 of the key>`, which names its
 * user: authentication reads one small stream, with no projection lag for a key just issued.
 */
export type UserEvent =
  | { type: 'UserCreated'; data: { userId: string; name: string; role: Role; createdAt: string } }
  | { type: 'ApiKeyIssued'; data: { userId: string; keyHash: string; issuedAt: string } };

export type UserCommand =
  | { type: 'CreateUser'; userId: string; name: string; role: Role; keyHash: string }
  /** Another key for an existing user (its stream is the key's own). */
  | { type: 'IssueApiKey'; keyHash: string };

export type UserState =
  { status: 'none' } | { status: 'active'; userId: string; name: string; role: Role; createdAt: string };

export type UserErrorCode = 'user_exists' | 'user_not_found';

export const initialUserState: UserState = { status: 'none' };

/** CreateUser: events for the user stream and for the key's stream, in that order; IssueApiKey: the key's. */
export function decideUser(command: UserCommand, state: UserState, now: Date): Decision<UserEvent, UserErrorCode> {
  const at = now.toISOString();
  if (command.type === 'IssueApiKey') {
    if (state.status !== 'active') return reject('user_not_found', 'No such user.');
    return accept({ type: 'ApiKeyIssued', data: { userId: state.userId, keyHash: command.keyHash, issuedAt: at } });
  }
  if (state.status !== 'none') return reject('user_exists', 'The user already exists.');
  return accept(
    { type: 'UserCreated', data: { userId: command.userId, name: command.name, role: command.role, createdAt: at } },
    { type: 'ApiKeyIssued', data: { userId: command.userId, keyHash: command.keyHash, issuedAt: at } },
  );
}

/**
 * A user and its first key. A user already there with this very name and role is the same
 * creation, retried after its answer (and so its key) was lost: it gets another key. Any other is
 * refused (`user_exists`).
 */
export function decideUserCreation(
  command: Extract<UserCommand, { type: 'CreateUser' }>,
  state: UserState,
  now: Date,
): Decision<UserEvent, UserErrorCode> {
  const retried = state.status === 'active' && state.name === command.name && state.role === command.role;
  return decideUser(retried ? { type: 'IssueApiKey', keyHash: command.keyHash } : command, state, now);
}

export function evolveUser(state: UserState, event: UserEvent): UserState {
  if (event.type !== 'UserCreated') return state;
  const { userId, name, role, createdAt } = event.data;
  return { status: 'active', userId, name, role, createdAt };
}

export const userStreamName = (userId: string) => `user-${userId}`;
export const apiKeyStreamName = (keyHash: string) => `apikey-${keyHash}`;
