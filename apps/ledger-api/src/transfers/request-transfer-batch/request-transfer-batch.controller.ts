import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Principal } from '../../auth/principal';
import { commandContext } from '../../auth/command-context.http';
import { ApiAuthenticated, ApiErrors, ApiIdempotencyKey, ApiJsonBody, Operation } from '../../http/api-docs';
import { setLedgerPosition } from '../../http/ledger-position';
import { AnswerRecordedWithEvents, IdempotencyKeyRequired } from '../../idempotency/idempotency.interceptor';
import { RequestTransferBatchCommand } from './request-transfer-batch.handler';
import { RequestTransferBatchDto } from './request-transfer-batch.dto';
import { toTransferBatchResponse, TransferBatchResponse } from './request-transfer-batch.response';

@ApiTags('transfers')
@ApiAuthenticated()
@Controller('api/v1/transfers/batch')
export class RequestTransferBatchController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(202)
  @IdempotencyKeyRequired()
  @AnswerRecordedWithEvents()
  @Operation(
    'requestTransferBatch',
    'Up to 10,000 deposits and withdrawals in one request, decided in order and written together: `atomic` (all or none) or `independent` (a result per item); the bank is called for each asynchronously',
  )
  @ApiIdempotencyKey({ required: true })
  @ApiJsonBody()
  @ApiErrors('not_found', 'insufficient_funds', 'transfer_exists')
  @ApiAcceptedResponse({ type: TransferBatchResponse })
  async request(
    @Body() body: RequestTransferBatchDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<TransferBatchResponse> {
    const batch = await this.commands.execute(
      new RequestTransferBatchCommand(body, principal, commandContext(request, principal)),
    );
    setLedgerPosition(response, batch.position);
    return toTransferBatchResponse(batch);
  }
}
