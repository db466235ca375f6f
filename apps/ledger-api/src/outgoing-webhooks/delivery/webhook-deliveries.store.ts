import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { prepared } from '@ledger/database';
import { PG_POOL } from '../../infrastructure/infrastructure.module';
import { instanceGoneSql, InstanceLiveness } from '../../infrastructure/instance-liveness';
import { PublicEventRow } from '../public-events/public-event.row';
import { DELIVERY_WINDOW_HOURS } from './retry-schedule';
import { AttemptOutcome } from './webhook-sender';

/** Notified when the fan-out queued deliveries: the delivery loops of every instance listen. */
export const DELIVERIES_CHANNEL = 'ledger_webhook_deliveries';

/** One attempt to record: its outcome, and when to try again should it have failed. */
export interface RecordedAttempt {
  eventId: string;
  at: Date;
  outcome: AttemptOutcome;
  retryDelayMs: number;
}

/** A claimed delivery: the event as delivered, where to and with which secret. */
export interface ClaimedDelivery extends PublicEventRow {
  endpoint_id: string;
  /** Attempts before this one: all failed. */
  attempts: number;
  url: string;
  secret: string;
}

const DUE = `d.status = 'pending' AND d.next_attempt_at <= now()`;

/** The webhook_deliveries table: filled by the fan-out, worked by the delivery loop. */
@Injectable()
export class WebhookDeliveriesStore {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly liveness: InstanceLiveness,
  ) {}

  /**
   * Moves up to `limit` public events past the fan-out's checkpoint into one delivery per enabled
   * endpoint subscribed to them (endpoints see the events of their owner, admins' every event, from
   * their creation on), and the checkpoint past them, in one statement: nothing is fanned out twice
   * or skipped, and instances fanning out at once queue on the checkpoint's row lock. Returns how
   * many events it moved past.
   */
  async fanOut(limit: number): Promise<number> {
    const { rows } = await this.pool.query<{ events: number }>(
      prepared(
        `WITH checkpoint AS (
           SELECT position_commit, position_prepare, ordinal FROM webhook_fanout_checkpoint FOR UPDATE
         ), page AS (
           -- The checkpoint's fields as values: compared with a joined row's, the index on the
           -- events' order was scanned from its start (every event ever made public) on every call.
           SELECT event.* FROM rm_public_events AS event
            WHERE (event.position_commit, event.position_prepare, event.ordinal) > (
                    (SELECT position_commit FROM checkpoint),
                    (SELECT position_prepare FROM checkpoint),
                    (SELECT ordinal FROM checkpoint)
                  )
            ORDER BY event.position_commit, event.position_prepare, event.ordinal
            LIMIT $1
         ), fanned AS (
           INSERT INTO webhook_deliveries (endpoint_id, event_id, position_commit, position_prepare, ordinal, status, next_attempt_at)
           SELECT endpoint.id, page.id, page.position_commit, page.position_prepare, page.ordinal, 'pending', now()
             FROM page JOIN webhook_endpoints AS endpoint
               ON endpoint.status = 'enabled' AND endpoint.created_at <= page.created
              AND (endpoint.owner_is_admin OR endpoint.owner_user_id = ANY(page.owner_user_ids))
              AND ('*' = ANY(endpoint.event_types) OR page.type = ANY(endpoint.event_types))
           ON CONFLICT (endpoint_id, event_id) DO NOTHING
           RETURNING 1
         ), last AS (
           SELECT position_commit, position_prepare, ordinal FROM page
            ORDER BY position_commit DESC, position_prepare DESC, ordinal DESC LIMIT 1
         ), moved AS (
           UPDATE webhook_fanout_checkpoint AS checkpoint
              SET position_commit = last.position_commit, position_prepare = last.position_prepare,
                  ordinal = last.ordinal, updated_at = now()
             FROM last
           RETURNING 1
         )
         SELECT (SELECT count(*) FROM page)::int AS events,
                (SELECT count(*) FROM moved) AS moved,
                CASE WHEN EXISTS (SELECT 1 FROM fanned) THEN pg_notify($2, '') END AS notified`,
        [limit, DELIVERIES_CHANNEL],
      ),
    );
    return rows[0].events;
  }

  /**
   * Makes the deliveries claimed by processes that are gone (their liveness lock is free: even a
   * SIGKILL frees it at once) due now, instead of when their lease would have run out.
   */
  async reclaimAbandoned(): Promise<void> {
    await this.pool.query(
      prepared(
        `UPDATE webhook_deliveries AS d SET claimed_by = NULL, next_attempt_at = now()
          WHERE d.status = 'pending' AND d.claimed_by IS NOT NULL AND d.claimed_by <> $1
            AND ${instanceGoneSql('d.claimed_by')}`,
        [this.liveness.instanceKey],
      ),
    );
  }

  /**
   * Claims due deliveries for up to `endpoints` enabled endpoints not in `busy`, up to
   * `perEndpoint` each in position order, for this process: pushed `leaseMs` ahead and marked with
   * its liveness key, so other instances skip them while it lives (see `reclaimAbandoned`).
   */
  async claim(busy: readonly string[], endpoints: number, perEndpoint: number, leaseMs: number) {
    const { rows } = await this.pool.query<ClaimedDelivery>(
      prepared(
        `WITH due_endpoints AS (
           SELECT endpoint.id AS endpoint_id FROM webhook_endpoints AS endpoint
            WHERE endpoint.status = 'enabled' AND NOT (endpoint.id = ANY($1::uuid[]))
              AND EXISTS (SELECT 1 FROM webhook_deliveries AS d WHERE d.endpoint_id = endpoint.id AND ${DUE})
            LIMIT $2
         ), claimable AS (
           SELECT due.endpoint_id, next.event_id FROM due_endpoints AS due
            CROSS JOIN LATERAL (
              SELECT d.event_id FROM webhook_deliveries AS d
               WHERE d.endpoint_id = due.endpoint_id AND ${DUE}
               ORDER BY d.position_commit, d.position_prepare, d.ordinal
               LIMIT $3 FOR UPDATE SKIP LOCKED
            ) AS next
         ), claimed AS (
           UPDATE webhook_deliveries AS d
              SET claimed_by = $4::int, next_attempt_at = now() + $5::int * interval '1 millisecond'
             FROM claimable
            WHERE d.endpoint_id = claimable.endpoint_id AND d.event_id = claimable.event_id
           RETURNING d.endpoint_id, d.event_id, d.attempts
         )
         SELECT claimed.endpoint_id, claimed.attempts, endpoint.url, endpoint.secret,
                event.id, event.type, event.position_commit, event.position_prepare, event.ordinal, event.created, event.data
           FROM claimed
           JOIN webhook_endpoints AS endpoint ON endpoint.id = claimed.endpoint_id
           JOIN rm_public_events AS event ON event.id = claimed.event_id
          ORDER BY claimed.endpoint_id, event.position_commit, event.position_prepare, event.ordinal`,
        [busy, endpoints, perEndpoint, this.liveness.instanceKey, leaseMs],
      ),
    );
    return rows;
  }

  /**
   * Records a lane's attempts on one endpoint (all delivered but perhaps the last) and their
   * consequences in one statement: each delivery is delivered, due again after its retry delay,
   * or given up after 72 hours; the endpoint's failing streak starts or ends, and an endpoint
   * failing for 72 hours is disabled, with the reason its owner sees.
   */
  async record(endpointId: string, attempts: readonly RecordedAttempt[]): Promise<void> {
    const last = attempts[attempts.length - 1];
    await this.pool.query(
      prepared(
        `WITH result AS (
           SELECT * FROM unnest($2::uuid[], $3::int[], $4::int[], $5::text[], $6::boolean[], $7::int[], $8::timestamptz[])
                  AS result(event_id, status_code, duration_ms, error, delivered, retry_ms, at)
         ), attempt AS (
           INSERT INTO webhook_delivery_attempts (endpoint_id, event_id, status_code, duration_ms, error, at)
           SELECT $1, event_id, status_code, duration_ms, error, at FROM result
            -- An endpoint deleted while its lane ran takes nothing more.
            WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = $1)
         ), delivery AS (
           UPDATE webhook_deliveries AS d
              SET attempts = d.attempts + 1, claimed_by = NULL,
                  status = CASE WHEN result.delivered THEN 'delivered'
                                WHEN d.created_at < now() - interval '${DELIVERY_WINDOW_HOURS} hours' THEN 'failed'
                                ELSE 'pending' END,
                  delivered_at = CASE WHEN result.delivered THEN now() END,
                  next_attempt_at = now() + result.retry_ms * interval '1 millisecond'
             FROM result
            WHERE d.endpoint_id = $1 AND d.event_id = result.event_id
         )
         UPDATE webhook_endpoints
            SET failing_since = CASE WHEN $9::boolean THEN NULL ELSE coalesce(failing_since, now()) END,
                status = CASE WHEN ${GIVES_UP} THEN 'disabled' ELSE status END,
                disabled_reason = CASE WHEN ${GIVES_UP}
                  THEN 'Every delivery failed for ${DELIVERY_WINDOW_HOURS} hours; the last: ' || $10 ELSE disabled_reason END,
                updated_at = CASE WHEN ${GIVES_UP} THEN now() ELSE updated_at END
          WHERE id = $1 AND (NOT $9::boolean OR failing_since IS NOT NULL)`,
        [
          endpointId,
          attempts.map((attempt) => attempt.eventId),
          attempts.map((attempt) => attempt.outcome.statusCode),
          attempts.map((attempt) => attempt.outcome.durationMs),
          attempts.map((attempt) => attempt.outcome.error),
          attempts.map((attempt) => attempt.outcome.delivered),
          attempts.map((attempt) => attempt.retryDelayMs),
          attempts.map((attempt) => attempt.at),
          last.outcome.delivered,
          last.outcome.error,
        ],
      ),
    );
  }

  /** Claimed deliveries not attempted (their endpoint just failed): due again with the failed one. */
  async release(endpointId: string, eventIds: readonly string[], retryDelayMs: number): Promise<void> {
    if (eventIds.length === 0) return;
    await this.pool.query(
      prepared(
        `UPDATE webhook_deliveries SET claimed_by = NULL, next_attempt_at = now() + $3::int * interval '1 millisecond'
          WHERE endpoint_id = $1 AND event_id = ANY($2::uuid[]) AND status = 'pending'`,
        [endpointId, eventIds, retryDelayMs],
      ),
    );
  }
}

/** An endpoint is disabled by a failure that comes after 72 hours of nothing but failures. */
const GIVES_UP = `NOT $9::boolean AND failing_since < now() - interval '${DELIVERY_WINDOW_HOURS} hours'`;
