import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { canSee, CurrentPrincipal, Principal } from '../../auth/principal';
import { ApiError } from '../../http/api-error';
import { UserResponse } from '../user.response';
import { UserReadModel } from '../user.read-model';
import { uuidParam } from '../../http/validation.pipe';
import { ApiAuthenticated, ApiErrors, ApiReadYourWrites, Operation } from '../../http/api-docs';

@ApiTags('users')
@ApiAuthenticated()
@Controller('api/v1/users')
export class GetUserController {
  constructor(private readonly users: UserReadModel) {}

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
    const user = canSee(principal, userId) ? await this.users.find(userId) : undefined;
    if (!user) throw notFound();
    return user;
  }
}

const notFound = () => new ApiError(404, 'not_found', 'No such user.');
