import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Principal, Roles } from '../../auth/principal';
import { setLedgerPosition } from '../../http/ledger-position';
import { commandContext } from '../../auth/command-context.http';
import { ShownOnce } from '../../idempotency/idempotency.interceptor';
import { UserResponse } from '../user.response';
import { CreateUserCommand } from './create-user.command';
import { CreateUserDto } from './create-user.dto';
import { ApiAdminOnly, ApiIdempotencyKey, ApiJsonBody, Operation } from '../../http/api-docs';

@ApiTags('users')
@ApiAdminOnly()
@Controller('api/v1/users')
export class CreateUserController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ShownOnce('apiKey')
  @Operation('createUser', 'Create a user and their API key (admin)')
  @ApiIdempotencyKey({ required: false })
  @ApiJsonBody()
  @ApiCreatedResponse({ type: UserResponse, description: 'A replay under the same Idempotency-Key omits apiKey.' })
  async create(
    @Body() body: CreateUserDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<UserResponse> {
    const { user, position } = await this.commands.execute(
      new CreateUserCommand(body.name, body.role, commandContext(request, principal)),
    );
    setLedgerPosition(response, position);
    return user;
  }
}
