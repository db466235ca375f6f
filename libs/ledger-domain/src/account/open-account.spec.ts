import { AT, decisionSpec } from '../testing/decider-spec';
import { evolveUser, initialUserState, UserEvent } from '../user/user';
import { decideOpenAccount } from './open-account';

const created: UserEvent = {
  type: 'UserCreated',
  data: { userId: 'u-1', name: 'Ada', role: 'customer', createdAt: AT },
};

describe('Opening an account', () => {
  const given = (owner: UserEvent[]) =>
    decisionSpec(expect, decideOpenAccount)(owner.reduce(evolveUser, initialUserState));

  it('opens an empty account for an active user', () =>
    given([created])
      .when({ accountId: 'acc-1', currency: 'EUR' })
      .then({
        events: [{ type: 'AccountOpened', data: { accountId: 'acc-1', userId: 'u-1', currency: 'EUR', openedAt: AT } }],
      }));

  it('opens none for a user that does not exist', () =>
    given([]).when({ accountId: 'acc-1', currency: 'EUR' }).thenFails('user_not_found'));
});
