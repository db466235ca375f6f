import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Pool } from 'pg';
import { GroupCommitQueue, prepared } from '@ledger/database';
import { LEDGER_CONFIG, LedgerConfig } from '../config/ledger-config';
import { PG_POOL } from '../infrastructure/infrastructure.module';
import { InstanceLiveness } from '../infrastructure/instance-liveness';

/** An answer as it was sent: its status, the headers a replay repeats and the body's exact text. */
export interface StoredResponse {
  statusCode: number;
  /** The serialized body (JSON), or null when the answer had none. */
  bodyText: string | null;
  headers: Record<string, string>;
}

export type Claim =
  { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse } | { kind: 'in_use' } | { kind: 'reused' };

/** Why a key was not this request's to record an answer under. */
export type Held = Exclude<Claim, { kind: 'claimed' }>;

/**
 * An answer's whole record, claim and result at once, as `idempotency_record_answer` (SQL) takes
 * it: written with the command's events (see AnswerRecording) or alone (`recordAnswer`).
 */
export interface AnswerRecord {
  userId: string;
  key: string;
  fingerprint: string;
  statusCode: number;
  bodyText: string | null;
  headers: Record<string, string>;
  ttlHours: number;
  [field: string]: unknown;
}

const PURGE_EVERY_MS = 60 * 60 * 1000;
/** Statements of claims (and of answers) in flight at once; more requests wait and travel together. */
const CONCURRENT_BATCHES = 2;
const MOST_PER_BATCH = 500;

interface ClaimRequest {
  userId: string;
  key: string;
  fingerprint: string;
}

interface Completion {
  userId: string;
  key: string;
  response: StoredResponse;
}

/** A key's claim in a batch, with the record that kept it when it was not taken. */
interface ClaimRow {
  user_id: string;
  key: string;
  claimed: boolean;
  fingerprint: string | null;
  state: string | null;
  status_code: number;
  body_text: string | null;
  body: unknown;
  headers: Record<string, string>;
}

/** Idempotency records in PostgreSQL, scoped by user and key, kept IDEMPOTENCY_TTL_HOURS. */
@Injectable()
export class IdempotencyStore implements OnModuleInit, OnModuleDestroy {
  private purgeTimer: NodeJS.Timeout | undefined;
  private readonly claims = new GroupCommitQueue(
    (batch: ClaimRequest[]) => this.claimBatch(batch),
    CONCURRENT_BATCHES,
    MOST_PER_BATCH,
  );
  private readonly completions = new GroupCommitQueue(
    (batch: Completion[]) => this.completeBatch(batch),
    CONCURRENT_BATCHES,
    MOST_PER_BATCH,
  );

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
   * again, which recognises what the first attempt already wrote. Claims made at once travel in
   * one statement (one commit for many requests).
   */
  async claim(userId: string, key: string, fingerprint: string): Promise<Claim> {
    for (;;) {
      const outcome = await this.claims.submit({ userId, key, fingerprint });
      if (outcome !== 'look_again') return outcome;
    }
  }

  /** Stores the answer; answers completed at once travel in one statement. */
  async complete(userId: string, key: string, response: StoredResponse): Promise<void> {
    await this.completions.submit({ userId, key, response });
  }

  private async claimBatch(requests: ClaimRequest[]): Promise<(Claim | 'look_again')[]> {
    // One row may be claimed once per statement: a key repeated within the batch waits for the next.
    const first = new Map<string, number>();
    requests.forEach((request, index) => {
      const scoped = `${request.userId}\n${request.key}`;
      if (!first.has(scoped)) first.set(scoped, index);
    });
    const unique = [...first.values()].map((index) => requests[index]);
    const { rows } = await this.pool.query<ClaimRow>(
      prepared(
        `WITH input AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS input(user_id, key, fingerprint)
         ), claimed AS (
           INSERT INTO idempotency_keys (user_id, key, fingerprint, state, expires_at, owner)
           SELECT user_id, key, fingerprint, 'running', now() + make_interval(hours => $4), $5 FROM input
           ON CONFLICT (user_id, key) DO UPDATE
             SET fingerprint = EXCLUDED.fingerprint, state = 'running', status_code = NULL, body = NULL,
                 body_text = NULL, headers = NULL, created_at = now(), expires_at = EXCLUDED.expires_at, owner = EXCLUDED.owner
             -- Expired, or the same request's abandoned claim (migration 1700000018000).
             WHERE idempotency_key_takeable(idempotency_keys, EXCLUDED.fingerprint)
           RETURNING user_id, key
         )
         -- The record seen is the one as it was before this statement: the one that kept the key.
         SELECT input.user_id, input.key, claimed.key IS NOT NULL AS claimed, record.fingerprint, record.state,
                record.status_code, record.body_text, record.body, record.headers
           FROM input
           LEFT JOIN claimed USING (user_id, key)
           LEFT JOIN idempotency_keys AS record USING (user_id, key)`,
        [
          unique.map((request) => request.userId),
          unique.map((request) => request.key),
          unique.map((request) => request.fingerprint),
          this.config.idempotencyTtlHours,
          this.liveness.instanceKey,
        ],
      ),
    );
    const outcomes = new Map(rows.map((row) => [`${row.user_id}\n${row.key}`, row]));
    return requests.map((request, index) => {
      const scoped = `${request.userId}\n${request.key}`;
      const row = outcomes.get(scoped);
      return first.get(scoped) === index && row ? claimOutcome(row, request.fingerprint) : 'look_again';
    });
  }

  private async completeBatch(completions: Completion[]): Promise<void[]> {
    await this.pool.query(
      prepared(
        `UPDATE idempotency_keys AS record
            SET state = 'done', status_code = answer.status_code, body_text = answer.body_text, headers = answer.headers
           FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::jsonb[])
                AS answer(user_id, key, status_code, body_text, headers)
          WHERE record.user_id = answer.user_id AND record.key = answer.key`,
        [
          completions.map(({ userId }) => userId),
          completions.map(({ key }) => key),
          completions.map(({ response }) => response.statusCode),
          completions.map(({ response }) => response.bodyText),
          completions.map(({ response }) => JSON.stringify(response.headers)),
        ],
      ),
    );
    return completions.map(() => undefined);
  }

  /** An answer's record for this user and key, unless the key is held (false): one statement. */
  async recordAnswer(userId: string, key: string, fingerprint: string, response: StoredResponse): Promise<boolean> {
    const { rows } = await this.pool.query<{ recorded: boolean }>(
      prepared('SELECT idempotency_record_answer($1::jsonb) AS recorded', [
        JSON.stringify(this.answerRecord(userId, key, fingerprint, response)),
      ]),
    );
    return rows[0].recorded;
  }

  answerRecord(userId: string, key: string, fingerprint: string, response: StoredResponse): AnswerRecord {
    return { userId, key, fingerprint, ...response, ttlHours: this.config.idempotencyTtlHours };
  }

  /**
   * What holds a key this request could not record its answer under: an answer to replay, another
   * request's (`reused`), or one still running (`in_use`: a claim, or a record gone meanwhile).
   */
  async held(userId: string, key: string, fingerprint: string): Promise<Held> {
    const { rows } = await this.pool.query<ClaimRow>(
      prepared(
        `SELECT false AS claimed, fingerprint, state, status_code, body_text, body, headers
           FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND expires_at >= now()`,
        [userId, key],
      ),
    );
    const outcome = rows[0] && claimOutcome(rows[0], fingerprint);
    return !outcome || outcome === 'look_again' || outcome.kind === 'claimed' ? { kind: 'in_use' } : outcome;
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

/** What a claim came to; `look_again` when the record that kept the key was not yet visible to the statement. */
function claimOutcome(row: ClaimRow, fingerprint: string): Claim | 'look_again' {
  if (row.claimed) return { kind: 'claimed' };
  if (row.state === null) return 'look_again';
  if (row.fingerprint !== fingerprint) return { kind: 'reused' };
  if (row.state === 'running') return { kind: 'in_use' };
  return {
    kind: 'replay',
    response: {
      statusCode: row.status_code,
      // Rows written before body_text existed hold their body as jsonb only.
      bodyText: row.body_text ?? (row.body === null ? null : JSON.stringify(row.body)),
      headers: row.headers,
    },
  };
}
