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

/** A claimed delivery: the event as delivered, where to and with which secret. */
export interface ClaimedDelivery extends PublicEventRow {
  endpoint_id: string;
  /** Attempts before this one: all failed. */
  attempts: number;
  url: string;
  secret: string;
}

/** A pending delivery is due when its time has come, or when the process that claimed it is gone. */
const DUE = `d.status = 'pending' AND (d.next_attempt_at <= now() OR (d.claimed_by IS NOT NULL AND ${instanceGoneSql('d.claimed_by')}))`;

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
           SELECT event.* FROM rm_public_events AS event, checkpoint
            WHERE (event.position_commit, event.position_prepare, event.ordinal)
                > (checkpoint.position_commit, checkpoint.position_prepare, checkpoint.ordinal)
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
   * Claims due deliveries for up to `endpoints` endpoints not in `busy`, up to `perEndpoint` each
   * in position order, for this process: they are pushed `leaseMs` ahead and carry this process's
   * liveness key, so another instance skips them while it lives and takes them once it died.
   */
  async claim(busy: readonly string[], endpoints: number, perEndpoint: number, leaseMs: number) {
    const { rows } = await this.pool.query<ClaimedDelivery>(
      prepared(
        `WITH due_endpoints AS (
           SELECT DISTINCT d.endpoint_id FROM webhook_deliveries AS d
             JOIN webhook_endpoints AS endpoint ON endpoint.id = d.endpoint_id AND endpoint.status = 'enabled'
            WHERE ${DUE} AND NOT (d.endpoint_id = ANY($1::uuid[]))
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
   * Records one attempt and its consequences in one statement: the delivery is delivered, due again
   * after `retryDelayMs`, or given up after 3 days; the endpoint's failing streak starts or ends,
   * and an endpoint failing for 3 days is disabled, with the reason its owner sees.
   */
  async record(delivery: ClaimedDelivery, outcome: AttemptOutcome, retryDelayMs: number): Promise<void> {
    await this.pool.query(
      prepared(
        `WITH attempt AS (
           INSERT INTO webhook_delivery_attempts (endpoint_id, event_id, status_code, duration_ms, error)
           VALUES ($1, $2, $3, $4, $5)
         ), delivery AS (
           UPDATE webhook_deliveries
              SET attempts = attempts + 1, claimed_by = NULL,
                  status = CASE WHEN $6::boolean THEN 'delivered'
                                WHEN created_at < now() - interval '${DELIVERY_WINDOW_HOURS} hours' THEN 'failed'
                                ELSE 'pending' END,
                  delivered_at = CASE WHEN $6 THEN now() END,
                  next_attempt_at = now() + $7::int * interval '1 millisecond'
            WHERE endpoint_id = $1 AND event_id = $2
         )
         UPDATE webhook_endpoints
            SET failing_since = CASE WHEN $6 THEN NULL ELSE coalesce(failing_since, now()) END,
                status = CASE WHEN ${GIVES_UP} THEN 'disabled' ELSE status END,
                disabled_reason = CASE WHEN ${GIVES_UP}
                  THEN 'Every delivery failed for ${DELIVERY_WINDOW_HOURS} hours; the last: ' || $5 ELSE disabled_reason END,
                updated_at = CASE WHEN ${GIVES_UP} THEN now() ELSE updated_at END
          WHERE id = $1 AND (NOT $6 OR failing_since IS NOT NULL)`,
        [
          delivery.endpoint_id,
          delivery.id,
          outcome.statusCode,
          outcome.durationMs,
          outcome.error,
          outcome.delivered,
          retryDelayMs,
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

/** An endpoint is disabled by a failure that comes after 3 days of nothing but failures. */
const GIVES_UP = `NOT $6 AND failing_since < now() - interval '${DELIVERY_WINDOW_HOURS} hours'`;
