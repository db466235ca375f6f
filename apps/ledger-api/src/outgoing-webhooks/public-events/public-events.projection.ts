import { PoolClient } from 'pg';
import { Projection } from '@ledger/consumers';
import { prepared } from '@ledger/database';
import { RecordedEvent } from '@ledger/event-store';
import { deterministicUuid } from '../../shared/deterministic-id';
import { decodeState, encodeState } from '../../snapshots';
import { isPublicResourceStream, publicFactsOf, Resource } from './public-facts';

/** Committed with every batch that adds public events: the webhook fan-out listens. */
export const PUBLIC_EVENTS_CHANNEL = 'ledger_public_events';

/** A public event's id: the same for the same ledger event and type, in every rebuild. */
const publicEventIdOf = (ledgerEventId: string, type: string) => deterministicUuid('public-event', ledgerEventId, type);

/**
 * The public events feed: every ledger fact an owner may see, with the resource as it was then.
 * The event store is the outbox: webhooks are delivered from these rows, never written beside a
 * command. A batch reads the resources it touches, folds its events over them in memory, and
 * writes each table once.
 */
export const publicEventsProjection: Projection = {
  kind: 'projection',
  name: 'public-events',
  tables: ['rm_public_events', 'rm_public_event_resources'],
  async apply(events: readonly RecordedEvent[], client: PoolClient) {
    const relevant = events.filter((event) => isPublicResourceStream(event.streamName));
    if (relevant.length === 0) return;
    const resources = await loadResources(client, [...new Set(relevant.map((event) => event.streamName))]);
    const changed = new Set<string>();
    const rows: NewPublicEvent[] = [];
    for (const event of relevant) {
      const { resource, facts } = publicFactsOf(event, resources.get(event.streamName));
      if (!resource) continue;
      resources.set(event.streamName, resource);
      changed.add(event.streamName);
      facts.forEach((fact, ordinal) =>
        rows.push({
          id: publicEventIdOf(event.id, fact.type),
          type: fact.type,
          ownerUserIds: fact.ownerUserIds,
          commit: event.position.commit.toString(),
          prepare: event.position.prepare.toString(),
          ordinal,
          created: event.createdAt,
          data: JSON.stringify(fact.data),
        }),
      );
    }
    await saveResources(
      client,
      [...changed].map((id) => [id, resources.get(id)!]),
    );
    if (rows.length > 0) await insertPublicEvents(client, rows);
  },
};

interface NewPublicEvent {
  id: string;
  type: string;
  ownerUserIds: string[];
  commit: string;
  prepare: string;
  ordinal: number;
  created: Date;
  /** The resource as the API shows it, JSON. */
  data: string;
}

async function loadResources(client: PoolClient, ids: string[]): Promise<Map<string, Resource>> {
  const { rows } = await client.query<{ id: string; state: unknown }>(
    prepared('SELECT id, state FROM rm_public_event_resources WHERE id = ANY($1::text[])', [ids]),
  );
  return new Map(rows.map((row) => [row.id, decodeState<Resource>(row.state)]));
}

function saveResources(client: PoolClient, resources: [string, Resource][]) {
  return client.query(
    prepared(
      `INSERT INTO rm_public_event_resources (id, owner_user_ids, state)
       SELECT id, string_to_array(owners, ',')::uuid[], state
         FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS changed(id, owners, state)
       ON CONFLICT (id) DO UPDATE SET owner_user_ids = EXCLUDED.owner_user_ids, state = EXCLUDED.state`,
      [
        resources.map(([id]) => id),
        resources.map(([, resource]) => resource.ownerUserIds.join(',')),
        resources.map(([, resource]) => encodeState(resource)),
      ],
    ),
  );
}

function insertPublicEvents(client: PoolClient, rows: NewPublicEvent[]) {
  return client.query(
    prepared(
      `WITH inserted AS (
         INSERT INTO rm_public_events (id, type, owner_user_ids, position_commit, position_prepare, ordinal, created, data)
         SELECT id, type, string_to_array(owners, ',')::uuid[], commit, prepare, ordinal, created, data
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::numeric[], $5::numeric[], $6::int[], $7::timestamptz[], $8::text[])
                AS fact(id, type, owners, commit, prepare, ordinal, created, data)
         ON CONFLICT (id) DO NOTHING
         RETURNING 1)
       SELECT pg_notify($9, '') FROM (SELECT 1 FROM inserted LIMIT 1) AS any_inserted`,
      [
        rows.map((row) => row.id),
        rows.map((row) => row.type),
        rows.map((row) => row.ownerUserIds.join(',')),
        rows.map((row) => row.commit),
        rows.map((row) => row.prepare),
        rows.map((row) => row.ordinal),
        rows.map((row) => row.created),
        rows.map((row) => row.data),
        PUBLIC_EVENTS_CHANNEL,
      ],
    ),
  );
}
