import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Principal } from '../../auth/principal';
import { ApiError } from '../../http/api-error';
import { commandContext } from '../../auth/command-context.http';
import { setLedgerPosition } from '../../http/ledger-position';
import { AccountResponse } from '../account.response';
import { OpenAccountCommand } from './open-account.command';
import { OpenAccountDto } from './open-account.dto';
import { ApiAuthenticated, ApiErrors, ApiIdempotencyKey, ApiJsonBody, Operation } from '../../http/api-docs';

@ApiTags('accounts')
@ApiAuthenticated()
@Controller('api/v1/accounts')
export class OpenAccountController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @Operation('openAccount', 'Open an account in a currency (admins: for any user)')
  @ApiIdempotencyKey({ required: false })
  @ApiJsonBody()
  @ApiErrors('forbidden', 'not_found', 'account_exists')
  @ApiCreatedResponse({ type: AccountResponse })
  async open(
    @Body() body: OpenAccountDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<AccountResponse> {
    if (body.userId && body.userId !== principal.userId && principal.role !== 'admin') {
      throw new ApiError(403, 'forbidden', 'Only admins open accounts for other users.');
    }
    const { account, position } = await this.commands.execute(
      new OpenAccountCommand(body.userId ?? principal.userId, body.currency, commandContext(request, principal)),
    );
    setLedgerPosition(response, position);
    return account;
  }
}
