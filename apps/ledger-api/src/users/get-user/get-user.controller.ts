import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Pool } from 'pg';
import { canSee, CurrentPrincipal, Principal } from '../../auth/principal';
import { ApiError } from '../../http/api-error';
import { PG_POOL } from '../../infrastructure/infrastructure.module';
import { EventSourcing } from '@ledger/event-sourcing';
import { userStream } from '../../shared/streams';
import { UserResponse } from '../user.response';
import { UserRow } from '../users.projection';
import { uuidParam } from '../../http/validation.pipe';
import { ApiAuthenticated, ApiErrors, ApiReadYourWrites, Operation } from '../../http/api-docs';

@ApiTags('users')
@ApiAuthenticated()
@Controller('api/v1/users')
export class GetUserController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly eventSourcing: EventSourcing,
  ) {}

  @Get('me')
  @Operation('getCurrentUser', 'The caller')
  @ApiReadYourWrites()
  @ApiOkResponse({ type: UserResponse })
  me(@CurrentPrincipal() principal: Principal): Promise<UserResponse> {
    return this.find(principal, principal.userId);
  }

  @Get(':userId')
  @Operation('getUser', 'A user: the caller, or anyone for an admin')
  @ApiReadYourWrites()
  @ApiErrors('not_found')
  @ApiOkResponse({ type: UserResponse })
  byId(@Param('userId', uuidParam('userId')) userId: string, @CurrentPrincipal() principal: Principal) {
    return this.find(principal, userId);
  }

  private async find(principal: Principal, userId: string): Promise<UserResponse> {
    if (!canSee(principal, userId)) throw notFound();
    const { rows } = await this.pool.query<UserRow>('SELECT id, name, role, created_at FROM rm_users WHERE id = $1', [
      userId,
    ]);
    const [user] = rows;
    if (user) return { id: user.id, name: user.name, role: user.role, createdAt: user.created_at.toISOString() };
    // Not projected yet (a user created a moment ago, the bootstrap admin at start): its own
    // stream says, so an existing user is never answered 404.
    const { state } = await this.eventSourcing.load(userStream(userId));
    if (state.status !== 'active') throw notFound();
    return { id: state.userId, name: state.name, role: state.role, createdAt: state.createdAt };
  }
}

const notFound = () => new ApiError(404, 'not_found', 'No such user.');
