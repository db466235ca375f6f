import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Pool } from 'pg';
import { ConsumerRunner, ConsumerStatus } from '@ledger/consumers';
import { Roles } from '../../auth/principal';
import { ApiAdminOnly, Operation } from '../../http/api-docs';
import { PG_POOL } from '../../infrastructure/infrastructure.module';
import { BANK_GATEWAY, BankGateway } from '../../transfers';
import { ProjectionRebuilds } from '../rebuild-projection/projection-rebuilds';
import { WorkSeries } from './work-series';
import { BankWorkResponse, ConsumerWorkResponse, WorkResponse } from './work.response';

/** Most transfers listed per state: the dashboard shows the head of the queue; GET /admin/transfers pages it all. */
const LISTED = 100;

interface BankWorkRow {
  id: string;
  kind: 'deposit' | 'withdrawal';
  status: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date;
  parked_reason: string | null;
  updated_at: Date;
}

/** The asynchronous work at a glance (the dashboard's one route; the CLI's `work` reads it too). */
@ApiTags('admin')
@ApiAdminOnly()
@Roles('admin')
@Controller('api/v1/admin/work')
export class WorkController {
  constructor(
    private readonly runner: ConsumerRunner,
    private readonly rebuilds: ProjectionRebuilds,
    private readonly series: WorkSeries,
    @Inject(BANK_GATEWAY) private readonly bank: BankGateway,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  @Get()
  @Operation('getAdminWork', 'The asynchronous work: consumers, bank work, circuit breaker, load (admin)')
  @ApiOkResponse({ type: WorkResponse })
  async work(): Promise<WorkResponse> {
    const [statuses, leaders, rebuilding, bank] = await Promise.all([
      this.runner.status(),
      this.runner.leaders(),
      this.rebuilds.rebuilding(),
      this.bankWork(),
    ]);
    return {
      at: new Date().toISOString(),
      consumers: statuses.map((status) => this.consumer(status, leaders.get(status.name) ?? null, rebuilding)),
      bank,
      series: this.series.series(),
    };
  }

  private consumer(status: ConsumerStatus, leader: string | null, rebuilding: Set<string>): ConsumerWorkResponse {
    return {
      name: status.name,
      kind: status.kind,
      status: rebuilding.has(status.name) ? 'rebuilding' : statusOf(status),
      leader,
      position: status.position ?? '',
      lag: Number(status.lag),
      eventsPerSecond: this.series.eventsPerSecond(status.name),
      lastError: status.lastError && { message: status.lastError.message, at: status.lastError.at.toISOString() },
    };
  }

  private async bankWork(): Promise<BankWorkResponse> {
    const [counts, listed] = await Promise.all([
      this.pool.query<{ status: string; count: string }>(
        `SELECT status, count(*) FROM bank_work WHERE status IN ('awaiting_dispatch', 'awaiting_callback') GROUP BY status`,
      ),
      this.pool.query<BankWorkRow>(
        `(SELECT * FROM bank_work WHERE status = 'retrying' ORDER BY next_attempt_at LIMIT $1)
         UNION ALL
         (SELECT * FROM bank_work WHERE status = 'parked' ORDER BY updated_at DESC LIMIT $1)`,
        [LISTED],
      ),
    ]);
    const count = (status: string) => Number(counts.rows.find((row) => row.status === status)?.count ?? 0);
    return {
      circuit: this.bank.circuit(),
      waiting: count('awaiting_dispatch'),
      sent: count('awaiting_callback'),
      retrying: listed.rows
        .filter((row) => row.status === 'retrying')
        .map((row) => ({
          transferId: row.id,
          kind: row.kind,
          attempts: row.attempts,
          nextAttemptAt: row.next_attempt_at.toISOString(),
          lastError: row.last_error,
        })),
      parked: listed.rows
        .filter((row) => row.status === 'parked')
        .map((row) => ({
          transferId: row.id,
          kind: row.kind,
          reason: row.parked_reason,
          attempts: row.attempts,
          parkedAt: row.updated_at.toISOString(),
        })),
    };
  }
}

/** Standing by while another instance leads is running, as far as the work is concerned. */
function statusOf(status: ConsumerStatus): ConsumerWorkResponse['status'] {
  switch (status.state) {
    case 'starting':
    case 'leading':
    case 'standby':
      return 'running';
    case 'retrying':
      return 'retrying';
    case 'stopped':
      return 'stopped';
  }
}
