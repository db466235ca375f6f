import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../auth/principal';
import { BankCallbackDto, BankCallbackResponse } from './bank-callback.dto';
import { BankSignatureGuard } from './bank-signature.guard';
import { HandleBankCallbackCommand } from './handle-bank-callback.handler';
import { ApiErrors, ApiJsonBody, Operation } from '../http/api-docs';

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
  @ApiOkResponse({ type: BankCallbackResponse })
  @ApiJsonBody()
  @ApiErrors('invalid_signature')
  receive(@Body() body: BankCallbackDto, @Req() request: Request): Promise<BankCallbackResponse> {
    return this.commands.execute(new HandleBankCallbackCommand(body, String(request.id ?? '')));
  }
}
