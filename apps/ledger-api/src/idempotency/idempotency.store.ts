import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Pool } from 'pg';
import { prepared } from '@ledger/database';
import { LEDGER_CONFIG, LedgerConfig } from '../config/ledger-config';
import { PG_POOL } from '../infrastructure/infrastructure.module';
import { instanceGoneSql, InstanceLiveness } from '../infrastructure/instance-liveness';

/** An answer as it was sent: its status, the headers a replay repeats and the body's exact text. */
export interface StoredResponse {
  statusCode: number;
  /** The serialized body (JSON), or null when the answer had none. */
  bodyText: string | null;
  headers: Record<string, string>;
}

export type Claim =
  { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse } | { kind: 'in_use' } | { kind: 'reused' };

/**
 * A claim is abandoned when its process is gone (its liveness lock is free), which is known at
 * once, or, as a safety net, when it has been running this long: far beyond the server's request
 * timeout, so no live request still holds it.
 */
const ABANDONED_AFTER = '60 seconds';
const PURGE_EVERY_MS = 60 * 60 * 1000;

/** Idempotency records in PostgreSQL, scoped by user and key, kept IDEMPOTENCY_TTL_HOURS. */
@Injectable()
export class IdempotencyStore implements OnModuleInit, OnModuleDestroy {
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly liveness: InstanceLiveness,
  ) {}

  onModuleInit(): void {
    this.purgeTimer = setInterval(() => void this.purgeExpired().catch(() => undefined), PURGE_EVERY_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  /**
   * Takes the key for this request, or says why not. An expired record, or the same request's
   * abandoned claim (its process died mid-request), is taken over: the retry runs the command
   * again, which recognises what the first attempt already wrote.
   */
  async claim(userId: string, key: string, fingerprint: string): Promise<Claim> {
    const { rowCount } = await this.pool.query(
      prepared(
        `INSERT INTO idempotency_keys (user_id, key, fingerprint, state, expires_at, owner)
       VALUES ($1, $2, $3, 'running', now() + make_interval(hours => $4), $5)
       ON CONFLICT (user_id, key) DO UPDATE
         SET fingerprint = EXCLUDED.fingerprint, state = 'running', status_code = NULL, body = NULL,
             body_text = NULL, headers = NULL, created_at = now(), expires_at = EXCLUDED.expires_at, owner = EXCLUDED.owner
         WHERE idempotency_keys.expires_at < now()
            OR (idempotency_keys.state = 'running' AND idempotency_keys.fingerprint = EXCLUDED.fingerprint
                AND (${instanceGoneSql('idempotency_keys.owner')}
                     OR idempotency_keys.created_at < now() - interval '${ABANDONED_AFTER}'))`,
        [userId, key, fingerprint, this.config.idempotencyTtlHours, this.liveness.instanceKey],
      ),
    );
    if (rowCount === 1) return { kind: 'claimed' };
    const { rows } = await this.pool.query<{
      fingerprint: string;
      state: string;
      status_code: number;
      body_text: string | null;
      body: unknown;
      headers: Record<string, string>;
    }>(
      `SELECT fingerprint, state, status_code, body_text, body, headers
         FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
      [userId, key],
    );
    const [record] = rows;
    if (!record) return this.claim(userId, key, fingerprint);
    if (record.fingerprint !== fingerprint) return { kind: 'reused' };
    if (record.state === 'running') return { kind: 'in_use' };
    return {
      kind: 'replay',
      response: {
        statusCode: record.status_code,
        // Rows written before body_text existed hold their body as jsonb only.
        bodyText: record.body_text ?? (record.body === null ? null : JSON.stringify(record.body)),
        headers: record.headers,
      },
    };
  }

  async complete(userId: string, key: string, response: StoredResponse): Promise<void> {
    await this.pool.query(
      prepared(
        `UPDATE idempotency_keys SET state = 'done', status_code = $3, body_text = $4, headers = $5
          WHERE user_id = $1 AND key = $2`,
        [userId, key, response.statusCode, response.bodyText, response.headers],
      ),
    );
  }

  /** The request failed before its command ran, or in a way a retry may fix (a 5xx): forget it. */
  async release(userId: string, key: string): Promise<void> {
    await this.pool.query(`DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND state = 'running'`, [
      userId,
      key,
    ]);
  }

  async purgeExpired(): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM idempotency_keys WHERE expires_at < now()');
    return rowCount ?? 0;
  }
}
