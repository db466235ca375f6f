import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { Principal } from '../../auth/principal';
import { Keyset } from '../../http/pagination';
import { PG_POOL } from '../../infrastructure/infrastructure.module';

export interface WebhookEndpointRow {
  id: string;
  owner_user_id: string;
  owner_is_admin: boolean;
  url: string;
  event_types: string[];
  description: string | null;
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
  secret: string;
  created_at: Date;
  updated_at: Date;
}

export interface DeliveryAttemptRow {
  id: string;
  event_id: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  created_at: Date;
}

export interface EndpointChanges {
  url?: string;
  eventTypes?: string[];
  status?: 'enabled' | 'disabled';
  description?: string;
}

/** Admins reach every endpoint; others only their own (a stranger's is not found). */
const ownerFilter = (principal: Principal) => (principal.role === 'admin' ? null : principal.userId);

/**
 * Webhook endpoints and what was delivered to them. Endpoint configuration is not money: it is
 * written directly, not through the event store.
 */
@Injectable()
export class WebhookEndpointsStore {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Creates an endpoint; the id comes from the Idempotency-Key when there is one, so the retry of
   * a creation whose answer was lost in a crash finds its endpoint and gets it with a new secret
   * (the first was never seen). Undefined when that id holds a different endpoint.
   */
  async create(
    endpoint: Pick<WebhookEndpointRow, 'id' | 'owner_user_id' | 'owner_is_admin' | 'url' | 'event_types' | 'secret'> & {
      description: string | null;
    },
  ): Promise<WebhookEndpointRow | undefined> {
    const { rows } = await this.pool.query<WebhookEndpointRow>(
      `INSERT INTO webhook_endpoints (id, owner_user_id, owner_is_admin, url, event_types, description, status, secret)
       VALUES ($1, $2, $3, $4, $5, $6, 'enabled', $7)
       ON CONFLICT (id) DO UPDATE SET secret = EXCLUDED.secret, updated_at = now()
         WHERE webhook_endpoints.owner_user_id = EXCLUDED.owner_user_id AND webhook_endpoints.url = EXCLUDED.url
       RETURNING *`,
      [
        endpoint.id,
        endpoint.owner_user_id,
        endpoint.owner_is_admin,
        endpoint.url,
        endpoint.event_types,
        endpoint.description,
        endpoint.secret,
      ],
    );
    return rows[0];
  }

  async find(id: string, principal: Principal): Promise<WebhookEndpointRow | undefined> {
    const { rows } = await this.pool.query<WebhookEndpointRow>(
      'SELECT * FROM webhook_endpoints WHERE id = $1 AND ($2::uuid IS NULL OR owner_user_id = $2)',
      [id, ownerFilter(principal)],
    );
    return rows[0];
  }

  /** Newest first; one more row than `limit` says another page exists. */
  async list(principal: Principal, after: Keyset | undefined, limit: number): Promise<WebhookEndpointRow[]> {
    const { rows } = await this.pool.query<WebhookEndpointRow>(
      `SELECT * FROM webhook_endpoints
        WHERE ($1::uuid IS NULL OR owner_user_id = $1)
          AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [ownerFilter(principal), after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return rows;
  }

  /** Enabling clears why the ledger had disabled it, and its failing streak. */
  async update(id: string, principal: Principal, changes: EndpointChanges): Promise<WebhookEndpointRow | undefined> {
    const { rows } = await this.pool.query<WebhookEndpointRow>(
      `UPDATE webhook_endpoints
          SET url = coalesce($3, url), event_types = coalesce($4, event_types),
              description = coalesce($5, description), status = coalesce($6, status),
              disabled_reason = CASE WHEN $6 IS NULL THEN disabled_reason END,
              failing_since = CASE WHEN $6 = 'enabled' THEN NULL ELSE failing_since END,
              updated_at = now()
        WHERE id = $1 AND ($2::uuid IS NULL OR owner_user_id = $2)
        RETURNING *`,
      [
        id,
        ownerFilter(principal),
        changes.url ?? null,
        changes.eventTypes ?? null,
        changes.description ?? null,
        changes.status ?? null,
      ],
    );
    return rows[0];
  }

  async rotateSecret(id: string, principal: Principal, secret: string): Promise<WebhookEndpointRow | undefined> {
    const { rows } = await this.pool.query<WebhookEndpointRow>(
      `UPDATE webhook_endpoints SET secret = $3, updated_at = now()
        WHERE id = $1 AND ($2::uuid IS NULL OR owner_user_id = $2) RETURNING *`,
      [id, ownerFilter(principal), secret],
    );
    return rows[0];
  }

  /** Its deliveries and their attempts go with it. */
  async delete(id: string, principal: Principal): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'DELETE FROM webhook_endpoints WHERE id = $1 AND ($2::uuid IS NULL OR owner_user_id = $2)',
      [id, ownerFilter(principal)],
    );
    return rowCount === 1;
  }

  /** Newest first; one more row than `limit` says another page exists. */
  async attempts(endpointId: string, after: Keyset | undefined, limit: number): Promise<DeliveryAttemptRow[]> {
    const { rows } = await this.pool.query<DeliveryAttemptRow>(
      `SELECT id::text AS id, event_id, status_code, duration_ms, error, at AS created_at
         FROM webhook_delivery_attempts
        WHERE endpoint_id = $1 AND ($2::timestamptz IS NULL OR (at, id) < ($2, $3::bigint))
        ORDER BY at DESC, id DESC LIMIT $4`,
      [endpointId, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return rows;
  }

  /**
   * Queues `eventId` for the endpoint again, due now and with a fresh 3 days to succeed in; false
   * when the endpoint's owner may not see that event.
   */
  async redeliver(endpoint: WebhookEndpointRow, eventId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, position_commit, position_prepare, ordinal, status, next_attempt_at)
       SELECT $1, id, position_commit, position_prepare, ordinal, 'pending', now() FROM rm_public_events
        WHERE id = $2 AND ($3 OR $4 = ANY(owner_user_ids))
       ON CONFLICT (endpoint_id, event_id)
         DO UPDATE SET status = 'pending', next_attempt_at = now(), created_at = now(), delivered_at = NULL`,
      [endpoint.id, eventId, endpoint.owner_is_admin, endpoint.owner_user_id],
    );
    return rowCount === 1;
  }
}
