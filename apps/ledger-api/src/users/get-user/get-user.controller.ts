import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Pool } from 'pg';
import { canSee, CurrentPrincipal, Principal } from '../../auth/principal';
import { ApiError } from '../../http/api-error';
import { PG_POOL } from '../../infrastructure/infrastructure.module';
import { UserResponse } from '../user.response';
import { UserRow } from '../users.projection';
import { uuidParam } from '../../http/validation.pipe';
import { ApiAuthenticated, ApiErrors, ApiReadYourWrites, Operation } from '../../http/api-docs';

@ApiTags('users')
@ApiAuthenticated()
@Controller('api/v1/users')
export class GetUserController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

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
    if (rows.length === 0) throw notFound();
    const [user] = rows;
    return { id: user.id, name: user.name, role: user.role, createdAt: user.created_at.toISOString() };
  }
}

const notFound = () => new ApiError(404, 'not_found', 'No such user.');
