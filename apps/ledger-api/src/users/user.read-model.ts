import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { EventSourcing } from '@ledger/event-sourcing';
import { canSee, Principal } from '../auth/principal';
import { PG_POOL } from '../infrastructure/infrastructure.module';
import { userStream } from '../shared/streams';
import { UserResponse } from './user.response';
import { UserRow } from './users.projection';

/** Reads of a user: the rm_users read model, or the user's own stream when it is not projected yet. */
@Injectable()
export class UserReadModel {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly eventSourcing: EventSourcing,
  ) {}

  async find(userId: string): Promise<UserResponse | undefined> {
    const { rows } = await this.pool.query<UserRow>('SELECT id, name, role, created_at FROM rm_users WHERE id = $1', [
      userId,
    ]);
    const [user] = rows;
    if (user) return { id: user.id, name: user.name, role: user.role, createdAt: user.created_at.toISOString() };
    // Not projected yet (a user created a moment ago, the bootstrap admin at start): its own
    // stream says, so an existing user is never answered 404.
    const { state } = await this.eventSourcing.load(userStream(userId));
    if (state.status !== 'active') return undefined;
    return { id: state.userId, name: state.name, role: state.role, createdAt: state.createdAt };
  }

  /** Whether the caller may see this user and it exists: themself, or any user for an admin. */
  async isVisibleTo(principal: Principal, userId: string): Promise<boolean> {
    if (!canSee(principal, userId)) return false;
    return userId === principal.userId || (await this.find(userId)) !== undefined;
  }
}
