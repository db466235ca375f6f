import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { setTimeout as delay } from 'node:timers/promises';
import { Pool } from 'pg';
import { from, Observable, switchMap } from 'rxjs';
import { ConsumerRunner, readCheckpoints } from '@ledger/consumers';
import { comparePositions, parsePosition, Position } from '@ledger/event-store';
import { PG_POOL } from '../infrastructure/infrastructure.module';
import { ApiError } from './api-error';
import { MIN_POSITION_HEADER } from './ledger-position';

const WAIT_LIMIT_MS = 5_000;
const POLL_MS = 20;

/** Read-your-writes: a GET with X-Min-Position waits (≤ 5 s) until every projection has reached it. */
@Injectable()
export class MinPositionInterceptor implements NestInterceptor {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly runner: ConsumerRunner,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers[MIN_POSITION_HEADER];
    if (request.method !== 'GET' || header === undefined) return next.handle();
    const position = typeof header === 'string' ? parsePosition(header) : undefined;
    if (!position) {
      throw new ApiError(400, 'validation_failed', 'The request is invalid.', [
        { field: 'X-Min-Position', problems: ['X-Min-Position must be a position from X-Ledger-Position'] },
      ]);
    }
    return from(this.waitFor(position)).pipe(switchMap(() => next.handle()));
  }

  private async waitFor(position: Position): Promise<void> {
    const projections = new Set(this.runner.names('projection'));
    const deadline = Date.now() + WAIT_LIMIT_MS;
    for (;;) {
      const checkpoints = (await readCheckpoints(this.pool)).filter((checkpoint) => projections.has(checkpoint.name));
      const reached =
        checkpoints.length === projections.size &&
        checkpoints.every((checkpoint) => checkpoint.position && comparePositions(checkpoint.position, position) >= 0);
      if (reached) return;
      if (Date.now() >= deadline) {
        throw new ApiError(503, 'projection_lagging', 'The read models have not reached that position yet.');
      }
      await delay(POLL_MS);
    }
  }
}
