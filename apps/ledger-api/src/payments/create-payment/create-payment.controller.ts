import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Principal } from '../../auth/principal';
import { ErrorResponse } from '../../http/api-error';
import { commandContext } from '../../http/command-context.http';
import { setLedgerPosition } from '../../http/ledger-position';
import { IdempotencyKeyRequired } from '../../idempotency/idempotency.interceptor';
import { PaymentResponse } from '../payment.response';
import { CreatePaymentDto } from './create-payment.dto';
import { CreatePaymentCommand } from './create-payment.handler';

@ApiTags('payments')
@ApiBearerAuth()
@Controller('api/v1/payments')
export class CreatePaymentController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @IdempotencyKeyRequired()
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiCreatedResponse({ type: PaymentResponse })
  @ApiUnprocessableEntityResponse({ type: ErrorResponse, description: 'insufficient_funds, currency_mismatch' })
  async create(
    @Body() body: CreatePaymentDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PaymentResponse> {
    const { payment, position } = await this.commands.execute(
      new CreatePaymentCommand(body, principal, commandContext(request, principal)),
    );
    setLedgerPosition(response, position);
    return payment;
  }
}
