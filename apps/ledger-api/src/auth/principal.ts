import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { AccountState, initialAccountState, Role } from '@ledger/ledger-domain';

/** Who is calling, as the API key guard found them. */
export interface Principal {
  userId: string;
  name: string;
  role: Role;
}

export const IS_PUBLIC = 'ledger:public';
export const REQUIRED_ROLES = 'ledger:roles';

/** No API key needed (health, the bank webhook). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only these roles may use the route; others get 403. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<{ principal: Principal }>().principal,
);

/** Admins see everything; others only what they own. */
export function canSee(principal: Principal, ownerId: string): boolean {
  return principal.role === 'admin' || principal.userId === ownerId;
}

/** Whether the caller may move money on the account: an open one they may see. */
export function mayUseAccount(principal: Principal, account: AccountState): boolean {
  return account.status === 'open' && canSee(principal, account.userId);
}

/** An account as the caller may know it: one they may not see is, for them, one never opened. */
export function accountSeenBy(principal: Principal, account: AccountState): AccountState {
  return mayUseAccount(principal, account) ? account : initialAccountState;
}
