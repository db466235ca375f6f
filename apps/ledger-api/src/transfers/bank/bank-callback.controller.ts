import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../../auth/principal';
import { correlationIdOf } from '../../http/request-id';
import { BankCallbackDto, BankCallbackResponse } from './bank-callback.dto';
import { BankSignatureGuard } from './bank-signature.guard';
import { HandleBankCallbackCommand } from './handle-bank-callback.handler';
import { ApiErrors, ApiJsonBody, Operation } from '../../http/api-docs';

@ApiTags('webhooks')
@Public()
@Controller('webhooks')
export class BankCallbackController {
  constructor(private readonly commands: CommandBus) {}

  @Post('bank-callback')
  @HttpCode(200)
  @UseGuards(BankSignatureGuard)
  @Operation(
    'receiveBankCallback',
    'The bank’s signed callback on a transfer (no API key: the signature authenticates)',
  )
  @ApiHeader({ name: 'X-Bank-Signature', required: true, description: 't=<unix seconds>,v1=<hex HMAC-SHA256>' })
  @ApiHeader({
    name: 'X-Correlation-ID',
    required: false,
    description: 'The id the ledger sent with the transfer, echoed by the bank: recorded on the events it causes',
  })
  @ApiOkResponse({ type: BankCallbackResponse })
  @ApiJsonBody()
  @ApiErrors('invalid_signature')
  receive(@Body() body: BankCallbackDto, @Req() request: FastifyRequest): Promise<BankCallbackResponse> {
    return this.commands.execute(
      new HandleBankCallbackCommand(body, {
        requestId: request.id,
        correlationId: correlationIdOf(request.raw),
      }),
    );
  }
}
