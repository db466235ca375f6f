import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { PG_POOL } from '../infrastructure/infrastructure.module';
import { CLOCK, Clock } from '../shared/clock';
import { ChangePaymentCommand } from './change-payment/change-payment.handler';

const SWEEP_EVERY_MS = 1_000;

/**
 * Expires authorizations whose capture window has closed, with no request needed: once a second
 * it asks the payments read model which have, and expires each (hold released). Nothing to
 * recompute after a restart: the read model is the schedule. Expiring twice is refused by the
 * payment's state, so several instances may sweep.
 */
@Injectable()
export class PaymentExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PaymentExpirySweeper');
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly commands: CommandBus,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => (this.sweeping = undefined));
    }, SWEEP_EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  async sweep(): Promise<void> {
    const now = this.clock.now();
    const { rows } = await this.pool
      .query<{ id: string }>(
        `SELECT id FROM rm_payments WHERE status = 'authorized' AND capture_expires_at <= $1
          ORDER BY capture_expires_at LIMIT 500`,
        [now],
      )
      .catch(() => ({ rows: [] as { id: string }[] }));
    for (const { id } of rows) {
      await this.commands
        .execute(
          new ChangePaymentCommand(id, { type: 'expire' }, undefined, {
            userId: 'system',
            requestId: `expiry-${id}`,
            idempotencyKey: `expiry-${id}`,
          }),
        )
        .catch((error: Error) => {
          // Someone captured or voided it first, or it expired already: nothing to do.
          if (!('code' in error) || error.code !== 'invalid_payment_state') {
            this.logger.warn({ paymentId: id, err: error }, 'expiring the payment failed');
          }
        });
    }
  }
}
