import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { TransferKind } from '@ledger/ledger-domain';
import { CurrentPrincipal, Principal } from '../../auth/principal';
import { ErrorResponse } from '../../http/api-error';
import { commandContext } from '../../http/command-context.http';
import { setLedgerPosition } from '../../http/ledger-position';
import { IdempotencyKeyRequired } from '../../idempotency/idempotency.interceptor';
import { TransferResponse } from '../transfer.response';
import { RequestTransferCommand } from './request-transfer.command';
import { RequestTransferDto } from './request-transfer.dto';

@ApiTags('transfers')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: true })
@Controller('api/v1')
export class RequestTransferController {
  constructor(private readonly commands: CommandBus) {}

  @Post('deposits')
  @HttpCode(202)
  @IdempotencyKeyRequired()
  @ApiAcceptedResponse({ type: TransferResponse, description: 'pending: the bank is called asynchronously' })
  deposit(
    @Body() body: RequestTransferDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.request('deposit', body, principal, request, response);
  }

  @Post('withdrawals')
  @HttpCode(202)
  @IdempotencyKeyRequired()
  @ApiAcceptedResponse({ type: TransferResponse, description: 'pending, with the amount held' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponse, description: 'insufficient_funds: nothing held' })
  withdraw(
    @Body() body: RequestTransferDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.request('withdrawal', body, principal, request, response);
  }

  private async request(
    kind: TransferKind,
    body: RequestTransferDto,
    principal: Principal,
    request: Request,
    response: Response,
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
