import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RECONCILIATION_RESOLUTIONS, ReconciliationResolution } from '@ledger/ledger-domain';
import { CurrentPrincipal, Principal, Roles } from '../../auth/principal';
import { ApiAdminOnly, ApiErrors, ApiIdempotencyKey, ApiJsonBody, Operation } from '../../http/api-docs';
import { commandContext } from '../../auth/command-context.http';
import { setLedgerPosition } from '../../http/ledger-position';
import { uuidParam } from '../../http/validation.pipe';
import { ReconciliationExceptionResponse } from '../reconciliation.response';
import { toExceptionView } from '../reconciliation.view';
import { ResolveExceptionCommand } from './resolve-exception.handler';

class ResolveExceptionDto {
  @ApiProperty({
    enum: RECONCILIATION_RESOLUTIONS,
    description:
      'corrected_in_ledger / corrected_at_bank: one side was wrong and has been put right; timing_difference: ' +
      'the two sides settled on different days; accepted: the difference stands, knowingly.',
  })
  @IsIn(RECONCILIATION_RESOLUTIONS)
  resolution!: ReconciliationResolution;

  @ApiProperty({ minLength: 1, maxLength: 1000, description: 'Why, for the record.' })
  @IsString()
  @Length(1, 1000)
  note!: string;
}

@ApiTags('admin')
@ApiAdminOnly()
@Roles('admin')
@Controller('api/v1/admin/reconciliations/:reconciliationId/exceptions/:exceptionId/resolve')
export class ResolveExceptionController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @Operation('resolveReconciliationException', 'Resolve a reconciliation exception, saying why (admin)')
  @ApiIdempotencyKey({ required: false })
  @ApiJsonBody()
  @ApiOkResponse({ type: ReconciliationExceptionResponse, description: 'The exception, resolved.' })
  @ApiErrors('not_found', 'exception_not_open')
  async resolve(
    @Param('reconciliationId', uuidParam('reconciliationId')) reconciliationId: string,
    @Param('exceptionId', uuidParam('exceptionId')) exceptionId: string,
    @Body() body: ResolveExceptionDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    const { state, position } = await this.commands.execute(
      new ResolveExceptionCommand(
        reconciliationId,
        exceptionId,
        body.resolution,
        body.note,
        commandContext(request, principal),
      ),
    );
    setLedgerPosition(response, position);
    return toExceptionView(state, exceptionId);
  }
}
