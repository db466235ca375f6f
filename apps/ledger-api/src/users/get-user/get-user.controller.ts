import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Pool } from 'pg';
import { canSee, CurrentPrincipal, Principal } from '../../auth/principal';
import { ApiError, ErrorResponse } from '../../http/api-error';
import { PG_POOL } from '../../infrastructure/infrastructure.module';
import { UserResponse } from '../user.response';
import { UserRow } from '../users.projection';
import { uuidParam } from '../../http/validation.pipe';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
export class GetUserController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get('me')
  @ApiOkResponse({ type: UserResponse })
  me(@CurrentPrincipal() principal: Principal): Promise<UserResponse> {
    return this.find(principal, principal.userId);
  }

  @Get(':userId')
  @ApiOkResponse({ type: UserResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
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
