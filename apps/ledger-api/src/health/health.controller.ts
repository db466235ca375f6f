import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { Pool } from 'pg';
import { ConsumerRunner } from '@ledger/consumers';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { Public } from '../auth/principal';
import { ApiError } from '../http/api-error';
import { PG_POOL, REDIS } from '../infrastructure/infrastructure.module';
import { ApiErrors, Operation } from '../http/api-docs';

const CHECK_TIMEOUT_MS = 2_000;

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: ConsumerRunner,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  @Get()
  @Operation('checkLiveness', 'Liveness: the process is up')
  @ApiOkResponse({ description: 'The process is up.', schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Operation(
    'checkReadiness',
    'Readiness: event store, database, projections (and Redis) answer; 503 not_ready lists each in details',
  )
  @ApiOkResponse({
    description: 'Every component is up.',
    schema: { example: { status: 'ok', info: { event_store: { status: 'up' } }, error: {}, details: {} } },
  })
  @ApiErrors('not_ready')
  async ready(): Promise<unknown> {
    try {
      return await this.health.check([
        () => this.probe('event_store', () => this.store.ping()),
        () => this.probe('database', async () => void (await this.pool.query('SELECT 1'))),
        () => this.projections(),
        ...(this.redis ? [() => this.probe('redis', async () => void (await this.redis!.ping()))] : []),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const { details } = error.getResponse() as { details: unknown };
      throw new ApiError(503, 'not_ready', 'Some components are not ready.', details);
    }
  }

  private async probe(key: string, check: () => Promise<void>) {
    const indicator = this.indicators.check(key);
    try {
      await withTimeout(check());
      return indicator.up();
    } catch {
      return indicator.down({ message: `${key} does not answer` });
    }
  }

  private async projections() {
    const indicator = this.indicators.check('projections');
    const statuses = await withTimeout(this.runner.status()).catch(() => undefined);
    if (!statuses) return indicator.down({ message: 'projection status unavailable' });
    const states = Object.fromEntries(statuses.map((status) => [status.name, status.state]));
    // standby: another instance leads that consumer, which is healthy.
    const running = statuses.every((status) => status.state === 'leading' || status.state === 'standby');
    return running ? indicator.up({ consumers: states }) : indicator.down({ consumers: states });
  }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref()),
  ]);
}
