import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Principal, Roles } from '../../auth/principal';
import { uuidParam } from '../../http/validation.pipe';
import { commandContext } from '../../auth/command-context.http';
import { OptionalButNotNull } from '../../http/optional';
import { setLedgerPosition } from '../../http/ledger-position';
import { TransferResponse } from '../transfer.response';
import { ChangeTransferCommand, TransferChange } from './change-transfer.handler';
import { ApiAdminOnly, ApiErrors, ApiIdempotencyKey, ApiJsonBody, Operation } from '../../http/api-docs';

class CancelTransferDto {
  @ApiProperty({ minLength: 1, maxLength: 500, description: 'Why, for the record.' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

class RetryTransferDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 500, description: 'Why, for the record.' })
  @OptionalButNotNull()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

/** Operator actions on a transfer the bank work could not finish: send it again, or cancel it. */
@ApiTags('admin')
@ApiAdminOnly()
@Roles('admin')
@Controller('api/v1/admin/transfers/:transferId')
export class ChangeTransferController {
  constructor(private readonly commands: CommandBus) {}

  @Post('retry')
  @HttpCode(202)
  @Operation('retryTransfer', 'Send a parked transfer to the bank again, with a fresh retry budget (admin)')
  @ApiIdempotencyKey({ required: false })
  @ApiJsonBody()
  @ApiErrors('not_found', 'invalid_transfer_state')
  @ApiAcceptedResponse({ type: TransferResponse, description: 'pending again: the bank is called asynchronously' })
  retry(
    @Param('transferId', uuidParam('transferId')) transferId: string,
    @Body() body: RetryTransferDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    return this.change(transferId, { type: 'retry', reason: body.reason ?? null }, principal, request, response);
  }

  @Post('cancel')
  @HttpCode(200)
  @Operation('cancelTransfer', 'Fail a parked or unsent transfer, releasing a withdrawal’s hold (admin)')
  @ApiIdempotencyKey({ required: false })
  @ApiJsonBody()
  @ApiErrors('not_found', 'invalid_transfer_state')
  @ApiOkResponse({ type: TransferResponse, description: 'failed, a withdrawal’s hold released' })
  cancel(
    @Param('transferId', uuidParam('transferId')) transferId: string,
    @Body() body: CancelTransferDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    return this.change(transferId, { type: 'cancel', reason: body.reason }, principal, request, response);
  }

  private async change(
    transferId: string,
    change: TransferChange,
    principal: Principal,
    request: FastifyRequest,
    response: FastifyReply,
  ): Promise<TransferResponse> {
    const { transfer, position } = await this.commands.execute(
      new ChangeTransferCommand(transferId, change, commandContext(request, principal)),
    );
    if (position) setLedgerPosition(response, position);
    return transfer;
  }
}
