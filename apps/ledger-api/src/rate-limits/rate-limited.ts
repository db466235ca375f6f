import { ExecutionContext, SetMetadata } from '@nestjs/common';

/** The per-user route limits of API.md, beside the per-user and global ones every authenticated route counts against. */
export type RouteLimit = 'balance' | 'transactions';

const ROUTE_LIMIT = 'ledger:route-limit';

/** Marks a route as counting against a per-user route limit. */
export const RateLimited = (limit: RouteLimit) => SetMetadata(ROUTE_LIMIT, limit);

export function routeLimitOf(context: ExecutionContext): RouteLimit | undefined {
  return Reflect.getMetadata(ROUTE_LIMIT, context.getHandler()) as RouteLimit | undefined;
}
