import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TransferKind } from '@ledger/ledger-domain';
import { CurrentPrincipal, Principal } from '../../auth/principal';
import { commandContext } from '../../auth/command-context.http';
import { setLedgerPosition } from '../../http/ledger-position';
import { AnswerRecordedWithEvents, IdempotencyKeyRequired } from '../../idempotency/idempotency.interceptor';
import { TransferResponse } from '../transfer.response';
import { RequestTransferCommand } from './request-transfer.command';
import { RequestTransferDto } from './request-transfer.dto';
import { ApiAuthenticated, ApiErrors, ApiIdempotencyKey, ApiJsonBody, Operation } from '../../http/api-docs';

@ApiTags('transfers')
@ApiAuthenticated()
@Controller('api/v1')
export class RequestTransferController {
  constructor(private readonly commands: CommandBus) {}

  @Post('deposits')
  @HttpCode(202)
  @IdempotencyKeyRequired()
  @AnswerRecordedWithEvents()
  @Operation('requestDeposit', 'Deposit money from the bank into an account (asynchronous)')
  @ApiIdempotencyKey({ required: true })
  @ApiJsonBody()
  @ApiErrors('not_found', 'transfer_exists')
  @ApiAcceptedResponse({ type: TransferResponse, description: 'pending: the bank is called asynchronously' })
  deposit(
    @Body() body: RequestTransferDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    return this.request('deposit', body, principal, request, response);
  }

  @Post('withdrawals')
  @HttpCode(202)
  @IdempotencyKeyRequired()
  @AnswerRecordedWithEvents()
  @Operation('requestWithdrawal', 'Withdraw money to the bank: held at once, settled by the bank')
  @ApiIdempotencyKey({ required: true })
  @ApiJsonBody()
  @ApiErrors('not_found', 'insufficient_funds', 'transfer_exists')
  @ApiAcceptedResponse({ type: TransferResponse, description: 'pending, with the amount held' })
  withdraw(
    @Body() body: RequestTransferDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    return this.request('withdrawal', body, principal, request, response);
  }

  private async request(
    kind: TransferKind,
    body: RequestTransferDto,
    principal: Principal,
    request: FastifyRequest,
    response: FastifyReply,
  ): Promise<TransferResponse> {
    const { transfer, position } = await this.commands.execute(
      new RequestTransferCommand(
        kind,
        body.accountId,
        BigInt(body.amount),
        principal,
        commandContext(request, principal),
      ),
    );
    setLedgerPosition(response, position);
    return transfer;
  }
}
