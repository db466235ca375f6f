import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Principal, Roles } from '../../auth/principal';
import { ErrorResponse } from '../../http/api-error';
import { uuidParam } from '../../http/validation.pipe';
import { commandContext } from '../../http/command-context.http';
import { OptionalButNotNull } from '../../http/optional';
import { setLedgerPosition } from '../../http/ledger-position';
import { TransferResponse } from '../transfer.response';
import { ChangeTransferCommand, TransferChange } from './change-transfer.handler';

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
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/admin/transfers/:transferId')
export class ChangeTransferController {
  constructor(private readonly commands: CommandBus) {}

  @Post('retry')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: TransferResponse, description: 'pending again: the bank is called asynchronously' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'invalid_transfer_state: only a parked transfer' })
  retry(
    @Param('transferId', uuidParam('transferId')) transferId: string,
    @Body() body: RetryTransferDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.change(transferId, { type: 'retry', reason: body.reason ?? null }, principal, request, response);
  }

  @Post('cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: TransferResponse, description: 'failed, a withdrawal’s hold released' })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'invalid_transfer_state: the bank has the transfer, or it is settled',
  })
  cancel(
    @Param('transferId', uuidParam('transferId')) transferId: string,
    @Body() body: CancelTransferDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.change(transferId, { type: 'cancel', reason: body.reason }, principal, request, response);
  }

  private async change(
    transferId: string,
    change: TransferChange,
    principal: Principal,
    request: Request,
    response: Response,
  ): Promise<TransferResponse> {
    const { transfer, position } = await this.commands.execute(
      new ChangeTransferCommand(transferId, change, commandContext(request, principal)),
    );
    if (position) setLedgerPosition(response, position);
    return transfer;
  }
}
