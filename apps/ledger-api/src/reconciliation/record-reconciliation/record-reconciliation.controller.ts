import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Principal, Roles } from '../../auth/principal';
import { ApiAdminOnly, ApiErrors, ApiIdempotencyKey, Operation } from '../../http/api-docs';
import { commandContext } from '../../auth/command-context.http';
import { setLedgerPosition } from '../../http/ledger-position';
import { ReconciliationResponse } from '../reconciliation.response';
import { toReconciliationView } from '../reconciliation.view';
import { BANK_STATEMENT_COLUMNS, parseBankStatement } from './bank-statement-parser';
import { RecordReconciliationCommand } from './record-reconciliation.handler';

/** An admin hands in the bank's statement; the ledger reconciles it with its settled transfers. */
@ApiTags('admin')
@ApiAdminOnly()
@Roles('admin')
@Controller('api/v1/admin/reconciliations')
export class RecordReconciliationController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Operation(
    'recordReconciliation',
    'Reconcile a bank statement with the settled transfers (admin)',
    `The body is the bank's statement as \`text/csv\` (the only route that takes CSV; at most 10 MiB): the header ` +
      `\`${BANK_STATEMENT_COLUMNS.join(',')}\`, then one executed transfer a line; \`direction\` is the movement on ` +
      'the ledger’s account at the bank (credit = a deposit received, debit = a withdrawal paid out), amounts in ' +
      'minor units. Each line is matched by transfer id with the ledger’s succeeded deposits and withdrawals; ' +
      'exceptions: missing_in_ledger, missing_in_bank (settled on one of the statement’s days but not listed), ' +
      'amount_mismatch, currency_mismatch. The same file again (by its SHA-256) answers the first run with 200.',
  )
  @ApiIdempotencyKey({ required: false })
  @ApiConsumes('text/csv')
  @ApiBody({
    schema: { type: 'string', example: `${BANK_STATEMENT_COLUMNS.join(',')}\nBNK-1,<uuid>,1000,EUR,credit,2026-12-01` },
  })
  @ApiCreatedResponse({ type: ReconciliationResponse, description: 'The run, recorded now.' })
  @ApiOkResponse({ type: ReconciliationResponse, description: 'The same file was reconciled before: that run.' })
  @ApiErrors('validation_failed', 'payload_too_large', 'unsupported_media_type')
  async record(
    @Body() csv: unknown,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    // Refuses a malformed file with 400 before anything is decided; the command gets its lines.
    const lines = parseBankStatement(csv);
    const { state, created, position } = await this.commands.execute(
      new RecordReconciliationCommand(csv as string, lines, commandContext(request, principal)),
    );
    response.status(created ? 201 : 200);
    if (position) setLedgerPosition(response, position);
    return toReconciliationView(state);
  }
}
