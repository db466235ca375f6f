import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Principal } from '../../auth/principal';
import { commandContext } from '../../auth/command-context.http';
import { OptionalButNotNull } from '../../http/optional';
import { setLedgerPosition } from '../../http/ledger-position';
import { IdempotencyKeyRequired } from '../../idempotency/idempotency.interceptor';
import { PaymentResponse, RefundResponse } from '../payment.response';
import { ChangePaymentCommand, PaymentChange } from './change-payment.handler';
import { uuidParam } from '../../http/validation.pipe';
import { ApiAuthenticated, ApiErrors, ApiIdempotencyKey, ApiJsonBody, Operation } from '../../http/api-docs';
import { ApiNoBody, NoBody } from '../../http/no-body';
import { MinorUnits } from '../../http/minor-units';

class CaptureDto {
  @ApiPropertyOptional({ description: 'Defaults to the whole authorization; less releases the rest.' })
  @OptionalButNotNull()
  @MinorUnits()
  amount?: number;
}

class RefundDto extends CaptureDto {
  @ApiPropertyOptional({ maxLength: 500 }) @OptionalButNotNull() @IsString() @MaxLength(500) reason?: string;
}

@ApiTags('payments')
@ApiAuthenticated()
@Controller('api/v1/payments/:paymentId')
export class ChangePaymentController {
  constructor(private readonly commands: CommandBus) {}

  @Post('capture')
  @HttpCode(200)
  @IdempotencyKeyRequired()
  @Operation('capturePayment', 'Capture an authorized payment, whole or in part (payee or admin)')
  @ApiIdempotencyKey({ required: true })
  @ApiJsonBody()
  @ApiErrors('not_found', 'invalid_payment_state', 'capture_window_expired', 'amount_exceeds_authorized')
  @ApiOkResponse({ type: PaymentResponse })
  async capture(
    @Param('paymentId', uuidParam('paymentId')) paymentId: string,
    @Body() body: CaptureDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<PaymentResponse> {
    const change: PaymentChange = { type: 'capture', amount: optionalAmount(body.amount) };
    return (await this.change(paymentId, change, principal, request, response)).payment;
  }

  @Post('void')
  @HttpCode(200)
  @IdempotencyKeyRequired()
  @ApiNoBody()
  @Operation('voidPayment', 'Void an authorization, releasing the hold (payer, payee or admin)')
  @ApiIdempotencyKey({ required: true })
  @ApiErrors('not_found', 'invalid_payment_state')
  @ApiOkResponse({ type: PaymentResponse })
  async void(
    @Param('paymentId', uuidParam('paymentId')) paymentId: string,
    @Body() _body: NoBody,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<PaymentResponse> {
    return (await this.change(paymentId, { type: 'void' }, principal, request, response)).payment;
  }

  @Post('refunds')
  @HttpCode(201)
  @IdempotencyKeyRequired()
  @Operation('refundPayment', 'Refund a captured payment, whole or in part (payee or admin)')
  @ApiIdempotencyKey({ required: true })
  @ApiJsonBody()
  @ApiErrors('not_found', 'invalid_payment_state', 'amount_exceeds_refundable', 'insufficient_funds')
  @ApiCreatedResponse({ type: RefundResponse })
  async refund(
    @Param('paymentId', uuidParam('paymentId')) paymentId: string,
    @Body() body: RefundDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<RefundResponse> {
    const change: PaymentChange = { type: 'refund', amount: optionalAmount(body.amount), reason: body.reason ?? null };
    return (await this.change(paymentId, change, principal, request, response)).refund!;
  }

  private async change(
    paymentId: string,
    change: PaymentChange,
    principal: Principal,
    request: FastifyRequest,
    response: FastifyReply,
  ) {
    const result = await this.commands.execute(
      new ChangePaymentCommand(paymentId, change, principal, commandContext(request, principal)),
    );
    setLedgerPosition(response, result.position);
    return result;
  }
}

const optionalAmount = (amount: number | undefined) => (amount === undefined ? undefined : BigInt(amount));
