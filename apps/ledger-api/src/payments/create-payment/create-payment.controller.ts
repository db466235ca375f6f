import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Principal } from '../../auth/principal';
import { commandContext } from '../../auth/command-context.http';
import { setLedgerPosition } from '../../http/ledger-position';
import { AnswerRecordedWithEvents, IdempotencyKeyRequired } from '../../idempotency/idempotency.interceptor';
import { PaymentResponse } from '../payment.response';
import { CreatePaymentDto } from './create-payment.dto';
import { CreatePaymentCommand } from './create-payment.handler';
import { ApiAuthenticated, ApiErrors, ApiIdempotencyKey, ApiJsonBody, Operation } from '../../http/api-docs';

@ApiTags('payments')
@ApiAuthenticated()
@Controller('api/v1/payments')
export class CreatePaymentController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @IdempotencyKeyRequired()
  @AnswerRecordedWithEvents()
  @Operation('createPayment', 'Pay from an account you own: captured at once, or authorized (held) for a later capture')
  @ApiIdempotencyKey({ required: true })
  @ApiJsonBody()
  @ApiErrors('not_found', 'insufficient_funds', 'currency_mismatch')
  @ApiCreatedResponse({ type: PaymentResponse })
  async create(
    @Body() body: CreatePaymentDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<PaymentResponse> {
    const { payment, position } = await this.commands.execute(
      new CreatePaymentCommand(body, principal, commandContext(request, principal)),
    );
    setLedgerPosition(response, position);
    return payment;
  }
}
