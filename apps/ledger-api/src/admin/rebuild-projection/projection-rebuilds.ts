import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { ConsumerRunner, Projection, ProjectionRebuild, rebuildSetOf } from '@ledger/consumers';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { jsonAmount } from '../../http/json-amount';
import { PG_POOL } from '../../infrastructure/infrastructure.module';
import { ApplicationError } from '../../shared/application-error';
import { Clock, CLOCK } from '../../shared/clock';
import { asError } from '../../logging/as-error';

interface RebuildRow {
  id: string;
  projections: string[];
  status: 'running' | 'done' | 'failed';
  processed: string;
  total: string;
  differences: Record<string, number> | null;
  started_at: Date;
  finished_at: Date | null;
}

const lockKey = (name: string) => `ledger-projection-rebuild:${name}`;

/**
 * Starts rebuilds in the background and reports on them from `projection_rebuilds`. The instance
 * running a rebuild holds an advisory lock per projection on a connection of its own, so two
 * rebuilds of one projection cannot overlap, and a rebuild whose process died is known by its
 * free lock and reported failed.
 */
@Injectable()
export class ProjectionRebuilds implements OnModuleDestroy {
  private readonly logger = new Logger(ProjectionRebuilds.name);
  private readonly abort = new AbortController();
  private readonly running = new Set<Promise<void>>();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly runner: ConsumerRunner,
  ) {}

  async start(name: string): Promise<{ rebuildId: string; status: 'running' }> {
    const projections = this.projectionsToRebuild(name);
    const names = projections.map((projection) => projection.name);
    const lock = await this.pool.connect();
    const id = randomUUID();
    try {
      if (!(await tryLocks(lock, names))) {
        throw new ApplicationError('rebuild_in_progress', `A rebuild of ${name} is already running.`);
      }
      // Holding every lock, any rebuild of these still marked running died with its process.
      await this.pool.query(
        `UPDATE projection_rebuilds SET status = 'failed', error = 'interrupted', finished_at = $2
          WHERE status = 'running' AND projections && $1`,
        [names, this.clock.now()],
      );
      await this.pool.query(
        `INSERT INTO projection_rebuilds (id, projection, projections, status, started_at)
         VALUES ($1, $2, $3, 'running', $4)`,
        [id, name, names, this.clock.now()],
      );
    } catch (error) {
      lock.release(true);
      throw error;
    }
    const run: Promise<void> = this.run(id, projections, lock).finally(() => this.running.delete(run));
    this.running.add(run);
    return { rebuildId: id, status: 'running' };
  }

  /** The latest rebuild that covered `name`. */
  async status(name: string) {
    this.projectionsToRebuild(name);
    const { rows } = await this.pool.query<RebuildRow>(
      `SELECT * FROM projection_rebuilds WHERE $1 = ANY(projections) ORDER BY started_at DESC LIMIT 1`,
      [name],
    );
    const row = rows[0];
    if (!row) throw new ApplicationError('rebuild_not_found', `No rebuild of ${name} has been started.`);
    const status = row.status === 'running' && !(await this.isRunning(row)) ? 'failed' : row.status;
    const seconds = ((row.finished_at ?? this.clock.now()).getTime() - row.started_at.getTime()) / 1_000;
    return {
      rebuildId: row.id,
      projections: row.projections,
      status,
      processed: jsonAmount(row.processed),
      total: jsonAmount(row.total),
      /** Events per second so far. */
      rate: seconds > 0 ? Math.round(Number(row.processed) / seconds) : 0,
      differences: row.differences,
      startedAt: row.started_at.toISOString(),
      finishedAt: row.finished_at?.toISOString() ?? null,
    };
  }

  /** Names of the projections being rebuilt right now, by any instance. */
  async rebuilding(): Promise<Set<string>> {
    const { rows } = await this.pool.query<RebuildRow>(`SELECT * FROM projection_rebuilds WHERE status = 'running'`);
    const names = new Set<string>();
    for (const row of rows) if (await this.isRunning(row)) row.projections.forEach((name) => names.add(name));
    return names;
  }

  async onModuleDestroy(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.running);
  }

  private projectionsToRebuild(name: string): Projection[] {
    const projections = rebuildSetOf(this.runner.projections(), name);
    if (!projections) throw new ApplicationError('projection_not_found', `There is no projection named ${name}.`);
    return projections;
  }

  private async run(id: string, projections: Projection[], lock: PoolClient): Promise<void> {
    const finish = (status: 'done' | 'failed', differences: Record<string, number> | null, error?: string) =>
      this.pool.query(
        'UPDATE projection_rebuilds SET status = $2, differences = $3, error = $4, finished_at = $5 WHERE id = $1',
        [id, status, differences && JSON.stringify(differences), error ?? null, this.clock.now()],
      );
    try {
      const rebuild = new ProjectionRebuild(this.store, this.pool, projections, {
        signal: this.abort.signal,
        onProgress: async ({ processed, total }) => {
          await this.pool.query('UPDATE projection_rebuilds SET processed = $2, total = $3 WHERE id = $1', [
            id,
            processed.toString(),
            total.toString(),
          ]);
        },
      });
      const { differences } = await rebuild.run();
      await finish('done', differences);
      this.logger.log({ rebuildId: id, differences }, 'projection rebuild done');
    } catch (error) {
      this.logger.warn({ rebuildId: id, err: asError(error) }, 'projection rebuild failed');
      // Kept for operators in the table; the API answers only "failed".
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await finish('failed', null, reason).catch(() => undefined);
    } finally {
      lock.release(true);
    }
  }

  /** A row marked running whose locks are free belongs to a process that died. */
  private async isRunning(row: RebuildRow): Promise<boolean> {
    const probe = await this.pool.connect();
    try {
      const free = await tryLocks(probe, row.projections);
      if (free) await probe.query('SELECT pg_advisory_unlock_all()');
      return !free;
    } finally {
      probe.release();
    }
  }
}

/** Takes every lock or none. */
async function tryLocks(client: PoolClient, names: readonly string[]): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>(
    'SELECT pg_try_advisory_lock(hashtextextended(name, 0)) AS locked FROM unnest($1::text[]) AS name ORDER BY name',
    [names.map(lockKey)],
  );
  if (rows.every((row) => row.locked)) return true;
  await client.query('SELECT pg_advisory_unlock_all()');
  return false;
}
