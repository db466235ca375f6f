import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Principal } from '../../auth/principal';
import { commandContext } from '../../auth/command-context.http';
import { ApiAuthenticated, ApiErrors, ApiIdempotencyKey, ApiJsonBody, Operation } from '../../http/api-docs';
import { setLedgerPosition } from '../../http/ledger-position';
import { AnswerRecordedWithEvents, IdempotencyKeyRequired } from '../../idempotency/idempotency.interceptor';
import { CreatePaymentBatchDto } from './create-payment-batch.dto';
import { CreatePaymentBatchCommand } from './create-payment-batch.handler';
import { PaymentBatchResponse, toPaymentBatchResponse } from './create-payment-batch.response';

@ApiTags('payments')
@ApiAuthenticated()
@Controller('api/v1/payments/batch')
export class CreatePaymentBatchController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @IdempotencyKeyRequired()
  @AnswerRecordedWithEvents()
  @Operation(
    'createPaymentBatch',
    'Up to 10,000 payments in one request, decided in order and written together: `atomic` (all or none) or `independent` (a result per item)',
  )
  @ApiIdempotencyKey({ required: true })
  @ApiJsonBody()
  @ApiErrors('not_found', 'insufficient_funds', 'currency_mismatch', 'payment_exists')
  @ApiCreatedResponse({ type: PaymentBatchResponse })
  async create(
    @Body() body: CreatePaymentBatchDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<PaymentBatchResponse> {
    const batch = await this.commands.execute(
      new CreatePaymentBatchCommand(body, principal, commandContext(request, principal)),
    );
    setLedgerPosition(response, batch.position);
    return toPaymentBatchResponse(batch);
  }
}
