import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { prepared } from '@ledger/database';
import { EventSourcing } from '@ledger/event-sourcing';
import { decideTransfer } from '@ledger/ledger-domain';
import { LEDGER_CONFIG, LedgerConfig } from '../../config/ledger-config';
import { PG_POOL } from '../../infrastructure/infrastructure.module';
import { CLOCK, Clock } from '../../shared/clock';
import { eventIdFor } from '../../shared/command-context';
import { deterministicUuid } from '../../shared/deterministic-id';
import { transferStream } from '../../shared/streams';
import { HandleBankCallbackCommand } from './handle-bank-callback.handler';
import { ChangeTransferCommand } from '../change-transfer/change-transfer.handler';
import { asError } from '../../logging/as-error';
import {
  BANK_GATEWAY,
  BankCallContext,
  BankGateway,
  BankRejectedError,
  CIRCUIT_OPEN_MS,
  isCircuitOpen,
} from './bank-gateway';
import { BankWorkRow } from './bank-work.projection';

const POLL_MS = 100;
/** A claimed row is not claimed again for this long: time enough for one bank call and its record. */
const CLAIM_LEASE_MS = 30_000;
const FIRST_RETRY_MS = 1_000;
const LONGEST_WAIT_MS = 5 * 60_000;
const ERROR_EXCERPT = 300;
const LEDGER = { userId: 'ledger', requestId: 'bank-dispatcher', idempotencyKey: undefined };

/**
 * Works the bank work queue (`bank_work`, kept by the bank-work projection): each due transfer is
 * its own unit of work, so one transfer's troubles hold up no other. Up to
 * BANK_DISPATCH_CONCURRENCY bank calls run at once; rows are claimed with SKIP LOCKED and a lease,
 * so several API processes share the queue and a crashed one's claims come back.
 *
 * - awaiting dispatch or retrying: send. Transient failures retry with jittered exponential
 *   backoff until the retry budget is spent; a refusal (4xx) or a spent budget parks the transfer.
 * - awaiting callback past BANK_STATUS_QUERY_AFTER_MS: ask the bank. An outcome is applied as a
 *   callback would be; a transfer the bank does not know is sent again.
 */
@Injectable()
export class BankDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('BankDispatcher');
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly eventSourcing: EventSourcing,
    @Inject(BANK_GATEWAY) private readonly bank: BankGateway,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly commands: CommandBus,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let full = false;
    try {
      const free = this.config.bank.dispatchConcurrency - this.inFlight;
      if (free > 0) {
        const due = await this.claim(free);
        full = due.length === free;
        for (const row of due) {
          this.inFlight += 1;
          void this.work(row)
            .catch((error: unknown) => this.logger.warn({ ...idsOf(row), err: asError(error) }, 'bank work failed'))
            .finally(() => (this.inFlight -= 1));
        }
      }
    } catch (error) {
      this.logger.warn({ err: asError(error) }, 'claim failed');
    }
    this.schedule(full ? 0 : POLL_MS);
  }

  private async claim(limit: number): Promise<BankWorkRow[]> {
    const now = this.clock.now();
    const { rows } = await this.pool.query<BankWorkRow>(
      prepared(
        `UPDATE bank_work SET next_attempt_at = $2
          WHERE id IN (SELECT id FROM bank_work
                        WHERE status IN ('awaiting_dispatch', 'retrying', 'awaiting_callback') AND next_attempt_at <= $1
                        ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
          RETURNING *`,
        [now, new Date(now.getTime() + CLAIM_LEASE_MS), limit],
      ),
    );
    return rows;
  }

  private work(row: BankWorkRow): Promise<void> {
    return row.status === 'awaiting_callback' ? this.askBank(row) : this.send(row);
  }

  private async send(row: BankWorkRow): Promise<void> {
    const attempts = row.attempts + 1;
    try {
      await this.bank.submit(
        {
          transferId: row.id,
          kind: row.kind,
          accountId: row.account_id,
          amount: Number(row.amount),
          currency: row.currency,
        },
        callContext(row),
      );
    } catch (error) {
      // Not tried at all: wait for the circuit, without spending an attempt.
      if (isCircuitOpen(error)) return this.retryLater(row, row.attempts, row.last_error, CIRCUIT_OPEN_MS);
      const message = excerpt(error);
      const spent =
        this.clock.now().getTime() - new Date(row.dispatch_since).getTime() >= this.config.bank.retryBudgetMs;
      if (error instanceof BankRejectedError) return this.park(row, message, attempts);
      if (spent) return this.park(row, `gave up after ${attempts} attempts: ${message}`, attempts);
      this.logger.debug({ ...idsOf(row), attempts, err: asError(error) }, 'bank call failed; retrying later');
      return this.retryLater(row, attempts, message);
    }
    this.logger.debug({ ...idsOf(row), attempts }, 'transfer sent to the bank');
    await this.recordSent(row);
    await this.update(row.id, ['awaiting_dispatch', 'retrying'], {
      status: 'awaiting_callback',
      attempts,
      last_error: null,
      next_attempt_at: this.after(this.config.bank.statusQueryAfterMs),
    });
  }

  private async recordSent(row: BankWorkRow): Promise<void> {
    await this.eventSourcing.handle({
      // Queued with the transfer's callbacks and operator actions.
      streams: { transfer: transferStream(row.kind, row.id, { queued: true }) },
      decide: ({ transfer }, now) => {
        // A transfer that has moved on (its outcome already known) records nothing.
        const decision = decideTransfer({ type: 'MarkSentToBank' }, transfer, now);
        return { ok: true, events: { transfer: decision.ok ? decision.events : [] } };
      },
      eventIds: () => eventIdFor(row.id, 'sent'),
      metadata: { causationId: row.id, ...(row.correlation_id ? { correlationId: row.correlation_id } : {}) },
    });
  }

  private async park(row: BankWorkRow, reason: string, attempts: number): Promise<void> {
    this.logger.warn({ ...idsOf(row), attempts, reason }, 'transfer parked');
    await this.commands.execute(
      new ChangeTransferCommand(row.id, { type: 'park', reason, attempts }, { ...LEDGER, ...callContext(row) }),
    );
    await this.update(row.id, ['awaiting_dispatch', 'retrying'], {
      status: 'parked',
      attempts,
      last_error: reason,
      parked_reason: reason,
    });
  }

  private retryLater(row: BankWorkRow, attempts: number, error: string | null, wait = backoff(attempts)) {
    return this.update(row.id, ['awaiting_dispatch', 'retrying'], {
      status: 'retrying',
      attempts,
      last_error: error,
      next_attempt_at: this.after(wait),
    });
  }

  /** A transfer sent with no outcome yet: the bank says what became of it. */
  private async askBank(row: BankWorkRow): Promise<void> {
    const nextQuery = () =>
      this.update(row.id, ['awaiting_callback'], {
        next_attempt_at: this.after(this.config.bank.statusQueryAfterMs),
      });
    const report = await this.bank.status(row.id, callContext(row)).catch((error: unknown) => {
      this.logger.debug({ ...idsOf(row), err: asError(error) }, 'bank status query failed');
      return null;
    });
    if (report === null) return nextQuery();
    this.logger.debug({ ...idsOf(row), bankStatus: report?.status ?? 'unknown' }, 'asked the bank');
    if (report === undefined) {
      // Lost before the bank took it (or the bank forgot it): send it again; the bank knows it by id.
      return this.update(row.id, ['awaiting_callback'], {
        status: 'awaiting_dispatch',
        attempts: 0,
        next_attempt_at: this.clock.now(),
        dispatch_since: this.clock.now(),
      });
    }
    if (report.status === 'succeeded' || report.status === 'failed') {
      await this.commands.execute(
        new HandleBankCallbackCommand(
          {
            // One id per answer: asking again and hearing the same adds nothing.
            eventId: deterministicUuid('bank-status', row.id, report.status),
            transferId: row.id,
            type: report.status,
            ...(report.failureReason ? { failureReason: report.failureReason } : {}),
            occurredAt: this.clock.now().toISOString(),
          },
          { requestId: LEDGER.requestId, correlationId: row.correlation_id ?? LEDGER.requestId },
        ),
      );
    }
    return nextQuery();
  }

  private after(ms: number): Date {
    return new Date(this.clock.now().getTime() + ms);
  }

  /** Changes a row only while it is still in one of `from`: an event may have moved it on meanwhile. */
  private async update(id: string, from: readonly string[], changes: Partial<Record<keyof BankWorkRow, unknown>>) {
    const columns = Object.keys(changes);
    await this.pool.query(
      `UPDATE bank_work SET ${columns.map((column, index) => `${column} = $${index + 3}`).join(', ')}, updated_at = $${columns.length + 3}
        WHERE id = $1 AND status = ANY($2)`,
      [id, from, ...Object.values(changes), this.clock.now()],
    );
  }
}

/** Jittered exponential backoff: 1 s, 2 s, 4 s … up to 5 minutes, each between half and all of it. */
function backoff(attempts: number): number {
  const ceiling = Math.min(FIRST_RETRY_MS * 2 ** Math.min(attempts - 1, 20), LONGEST_WAIT_MS);
  return Math.round(ceiling * (0.5 + Math.random() / 2));
}

/** What every log line of a transfer's bank work carries. */
function idsOf(row: BankWorkRow) {
  return { transferId: row.id, kind: row.kind, correlationId: row.correlation_id };
}

/** The transfer's correlation id, when its request had one, goes to the bank (and comes back on its callbacks). */
function callContext(row: BankWorkRow): BankCallContext {
  return { correlationId: row.correlation_id ?? undefined };
}

function excerpt(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, ERROR_EXCERPT);
}
