import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Pool } from 'pg';
import { Roles } from '../../auth/principal';
import { ApiError } from '../../http/api-error';
import { ApiAdminOnly, ApiErrors, ApiPage, Operation } from '../../http/api-docs';
import { decodeCursor, Page, PageQuery, toPage } from '../../http/pagination';
import { uuidParam } from '../../http/validation.pipe';
import { PG_POOL } from '../../infrastructure/infrastructure.module';
import { EventSourcing } from '@ledger/event-sourcing';
import { reconciliationStream } from '../../shared/streams';
import { ReconciliationListItem, ReconciliationResponse } from '../reconciliation.response';
import { toReconciliationView } from '../reconciliation.view';
import { ReconciliationRow } from '../reconciliations.projection';

/** Runs newest first from their read model; one run in full from its own stream. */
@ApiTags('admin')
@ApiAdminOnly()
@Roles('admin')
@Controller('api/v1/admin/reconciliations')
export class ReconciliationQueriesController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly eventSourcing: EventSourcing,
  ) {}

  @Get()
  @Operation('listReconciliations', 'Reconciliation runs, newest first (admin)')
  @ApiPage(ReconciliationListItem)
  async list(@Query() query: PageQuery): Promise<Page<ReconciliationListItem>> {
    const after = decodeCursor(query.cursor);
    const { rows } = await this.pool.query<ReconciliationRow>(
      `SELECT id, file_sha256, to_char(statement_from, 'YYYY-MM-DD') AS statement_from,
              to_char(statement_to, 'YYYY-MM-DD') AS statement_to, lines, matched, exceptions, open_exceptions,
              recorded_by, created_at
         FROM rm_reconciliations
        WHERE ($1::timestamptz IS NULL OR (created_at, id) < ($1, $2::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [after?.createdAt ?? null, after?.id ?? null, query.limit + 1],
    );
    return toPage(rows, query.limit, (row) => ({
      id: row.id,
      fileSha256: row.file_sha256,
      statementFrom: row.statement_from,
      statementTo: row.statement_to,
      lines: row.lines,
      summary: { matched: row.matched, exceptions: row.exceptions, openExceptions: row.open_exceptions },
      recordedBy: row.recorded_by,
      recordedAt: row.created_at.toISOString(),
    }));
  }

  @Get(':reconciliationId')
  @Operation('getReconciliation', 'A reconciliation run with its matches and exceptions (admin)')
  @ApiOkResponse({ type: ReconciliationResponse })
  @ApiErrors('not_found')
  async get(@Param('reconciliationId', uuidParam('reconciliationId')) reconciliationId: string) {
    const { state } = await this.eventSourcing.load(reconciliationStream(reconciliationId));
    if (state.status !== 'recorded') throw new ApiError(404, 'not_found', 'No such reconciliation.');
    return toReconciliationView(state);
  }
}
