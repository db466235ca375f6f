import { Currency } from '../money/currency';
import { Decision, reject } from '../shared/result';
import { UserState } from '../user/user';
import { AccountErrorCode, AccountEvent, decideAccount, initialAccountState } from './account';

/**
 * A new account for an active user. Its id is new: an account already on it can only be the same
 * request's, which its handler answers before deciding.
 */
export function decideOpenAccount(
  request: { accountId: string; currency: Currency },
  owner: UserState,
  now: Date,
): Decision<AccountEvent, AccountErrorCode | 'user_not_found'> {
  if (owner.status !== 'active') return reject('user_not_found', 'No such user.');
  return decideAccount({ type: 'OpenAccount', ...request, userId: owner.userId }, initialAccountState, now);
}
