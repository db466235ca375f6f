import { AT, deciderSpec } from '../testing/decider-spec';
import { decideUser, decideUserCreation, evolveUser, initialUserState, UserEvent } from './user';

const created: UserEvent = {
  type: 'UserCreated',
  data: { userId: 'u-1', name: 'Ada', role: 'merchant', createdAt: AT },
};
const given = deciderSpec(expect, decideUser, evolveUser, initialUserState);

describe('User', () => {
  it('creates a user with its first key', () =>
    given([])
      .when({ type: 'CreateUser', userId: 'u-1', name: 'Ada', role: 'merchant', keyHash: 'h1' })
      .then([created, { type: 'ApiKeyIssued', data: { userId: 'u-1', keyHash: 'h1', issuedAt: AT } }]));

  it('creates a user once', () =>
    given([created])
      .when({ type: 'CreateUser', userId: 'u-1', name: 'Ada', role: 'merchant', keyHash: 'h2' })
      .thenFails('user_exists'));

  it('issues another key to an existing user', () =>
    given([created])
      .when({ type: 'IssueApiKey', keyHash: 'h2' })
      .then([{ type: 'ApiKeyIssued', data: { userId: 'u-1', keyHash: 'h2', issuedAt: AT } }]));

  it('issues no key to a user that does not exist', () =>
    given([]).when({ type: 'IssueApiKey', keyHash: 'h2' }).thenFails('user_not_found'));
});

describe('User creation through the API, retried after a lost answer', () => {
  const givenCreation = deciderSpec(expect, decideUserCreation, evolveUser, initialUserState);

  it('answers its own retry with another key, the first one never seen', () =>
    givenCreation([created])
      .when({ type: 'CreateUser', userId: 'u-1', name: 'Ada', role: 'merchant', keyHash: 'h2' })
      .then([{ type: 'ApiKeyIssued', data: { userId: 'u-1', keyHash: 'h2', issuedAt: AT } }]));

  it('refuses a different user under the same id (a reused idempotency key)', () =>
    givenCreation([created])
      .when({ type: 'CreateUser', userId: 'u-1', name: 'Grace', role: 'merchant', keyHash: 'h2' })
      .thenFails('user_exists'));
});
