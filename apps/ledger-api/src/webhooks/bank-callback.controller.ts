import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../auth/principal';
import { ErrorResponse } from '../http/api-error';
import { correlationIdOf } from '../http/request-id';
import { BankCallbackDto, BankCallbackResponse } from './bank-callback.dto';
import { BankSignatureGuard } from './bank-signature.guard';
import { HandleBankCallbackCommand } from './handle-bank-callback.handler';

@ApiTags('webhooks')
@Public()
@Controller('webhooks')
export class BankCallbackController {
  constructor(private readonly commands: CommandBus) {}

  @Post('bank-callback')
  @HttpCode(200)
  @UseGuards(BankSignatureGuard)
  @ApiHeader({ name: 'X-Bank-Signature', description: 't=<unix seconds>,v1=<hex HMAC-SHA256>' })
  @ApiHeader({
    name: 'X-Correlation-ID',
    required: false,
    description: 'The id the ledger sent with the transfer, echoed by the bank: recorded on the events it causes',
  })
  @ApiOkResponse({ type: BankCallbackResponse })
  @ApiUnauthorizedResponse({ type: ErrorResponse })
  receive(@Body() body: BankCallbackDto, @Req() request: Request): Promise<BankCallbackResponse> {
    return this.commands.execute(
      new HandleBankCallbackCommand(body, {
        requestId: String(request.id ?? ''),
        correlationId: correlationIdOf(request),
      }),
    );
  }
}
