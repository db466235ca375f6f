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

export type UserCommand = { type: 'CreateUser'; userId: string; name: string; role: Role; keyHash: string };

export type UserState =
  { status: 'none' } | { status: 'active'; userId: string; name: string; role: Role; createdAt: string };

export const initialUserState: UserState = { status: 'none' };

/** Events for the user stream and for the key's stream, in that order. */
export function decideUser(command: UserCommand, state: UserState, now: Date): Decision<UserEvent, 'user_exists'> {
  if (state.status !== 'none') return reject('user_exists', 'The user already exists.');
  const at = now.toISOString();
  return accept(
    { type: 'UserCreated', data: { userId: command.userId, name: command.name, role: command.role, createdAt: at } },
    { type: 'ApiKeyIssued', data: { userId: command.userId, keyHash: command.keyHash, issuedAt: at } },
  );
}

export function evolveUser(state: UserState, event: UserEvent): UserState {
  if (event.type !== 'UserCreated') return state;
  const { userId, name, role, createdAt } = event.data;
  return { status: 'active', userId, name, role, createdAt };
}

export const userStreamName = (userId: string) => `user-${userId}`;
export const apiKeyStreamName = (keyHash: string) => `apikey-${keyHash}`;
