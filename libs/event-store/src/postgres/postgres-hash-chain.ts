import { Pool } from 'pg';
import { BrokenLink, BrokenLinkKind, ChainReport, describeEventLink, MAX_LISTED_BROKEN_LINKS } from '../hash-chain';

/** What an auditor keeps outside the system: enough to prove later that history up to it is unchanged. */
export interface ExportedCheckpoint {
  id: string;
  upToPosition: string;
  createdAt: string;
  streamCount: number;
  previousDigest: string | null;
  digest: string;
}

export interface Proof {
  proven: boolean;
  checkpoint: ExportedCheckpoint;
  reason: string | null;
  chain: ChainReport;
}

/** The content an event's hash covers, as if it were at `revision` (see es_event_content). */
const content = (revision: string) =>
  `es_event_content(stream_name, ${revision}, event_id, event_type, data, metadata, created_at)`;

/**
 * Each event's stream chain checked in the database, in one pass over the events in stream order
 * (an index scan: flat memory here and there); only the rows that fail come back. A row is
 * checked against its neighbours so that a failure can be named: a swap of two events chains
 * each onto the other's place, an inserted event is skipped over by the one after it. The rules
 * are brokenLinksOfStream's (../hash-chain.ts, which checks chains other stores read back), plus
 * one only this store can apply: an event past its stream's recorded head was inserted.
 */
const BROKEN_EVENT_LINKS = `
  WITH chained AS (
    SELECT e.*, s.revision AS head,
           lag(e.stream_revision) OVER w AS previous_revision,
           lag(e.hash) OVER w AS previous_hash,
           lag(e.hash, 2) OVER w AS second_previous_hash,
           lead(e.hash) OVER w AS next_hash,
           lead(e.event_id) OVER w AS next_id,
           lead(e.event_type) OVER w AS next_type,
           lead(e.data) OVER w AS next_data,
           lead(e.metadata) OVER w AS next_metadata,
           lead(e.created_at) OVER w AS next_created_at
      FROM es_events AS e LEFT JOIN es_streams AS s ON s.stream_name = e.stream_name
    WINDOW w AS (PARTITION BY e.stream_name ORDER BY e.stream_revision)
  ), judged AS (
    -- CASE evaluates lazily: the other revisions' contents are hashed only for a failing event.
    SELECT stream_name, stream_revision, event_id, previous_revision,
      CASE
        WHEN stream_revision <> coalesce(previous_revision, -1) + 1 THEN 'missing'
        WHEN hash = es_event_hash(previous_hash, ${content('stream_revision')}) THEN NULL
        WHEN hash IS NULL OR head IS NULL OR stream_revision > head THEN 'inserted'
        WHEN hash = es_event_hash(next_hash, ${content('stream_revision + 1')}) THEN 'reordered'
        WHEN hash = es_event_hash(second_previous_hash, ${content('stream_revision - 1')}) THEN 'reordered'
        WHEN hash = es_event_hash(previous_hash, ${content('stream_revision - 1')}) THEN 'reordered'
        WHEN hash = es_event_hash(second_previous_hash, ${content('stream_revision')}) THEN NULL
        WHEN next_hash = es_event_hash(previous_hash,
          es_event_content(stream_name, stream_revision, next_id, next_type, next_data, next_metadata, next_created_at)) THEN 'inserted'
        ELSE 'edited'
      END AS kind
      FROM chained
  )
  SELECT stream_name, stream_revision::text, event_id::text, previous_revision::text, kind, count(*) OVER ()::int AS total
    FROM judged WHERE kind IS NOT NULL
   ORDER BY stream_name, stream_revision
   LIMIT ${MAX_LISTED_BROKEN_LINKS}`;

/** Streams whose recorded head is past their last event (a deleted tail) or whose head hash differs (events past the head are found one by one). */
const BROKEN_HEADS = `
  SELECT s.stream_name, s.revision::text AS head, last.stream_revision::text AS last_revision,
         last.event_id::text
    FROM es_streams AS s
    LEFT JOIN LATERAL (
      SELECT e.stream_revision, e.event_id, e.hash FROM es_events AS e
       WHERE e.stream_name = s.stream_name ORDER BY e.stream_revision DESC LIMIT 1
    ) AS last ON true
   WHERE last.stream_revision IS NULL OR last.stream_revision < s.revision
      OR (last.stream_revision = s.revision AND s.hash IS DISTINCT FROM last.hash)
   ORDER BY s.stream_name
   LIMIT ${MAX_LISTED_BROKEN_LINKS}`;

/** Checkpoints whose chain, digest or heads do not hold. */
const BROKEN_CHECKPOINTS = `
  SELECT c.id::text, c.id - lag(c.id) OVER w AS step, c.previous_digest IS NOT DISTINCT FROM lag(c.digest) OVER w AS chained,
         c.digest = es_checkpoint_digest(c.previous_digest, c.id, c.up_to_position) AS digest_holds,
         (SELECT string_agg(h.stream_name || '@' || h.revision || CASE WHEN e.hash IS NULL THEN ' missing' ELSE ' edited' END, ', ')
            FROM es_checkpoint_heads AS h
            LEFT JOIN es_events AS e ON e.stream_name = h.stream_name AND e.stream_revision = h.revision
           WHERE h.checkpoint_id = c.id AND e.hash IS DISTINCT FROM h.hash) AS broken_heads
    FROM es_checkpoints AS c
  WINDOW w AS (ORDER BY c.id)
   ORDER BY c.id`;

/**
 * The tamper evidence of the PostgreSQL event store: every event hashes its stream's previous
 * hash and its own content (es_append computes it), and checkpoints chain digests of stream heads
 * (see migrations/1700000001000_hash-chains.sql).
 */
export class PostgresHashChain {
  constructor(private readonly pool: Pool) {}

  /** Records a checkpoint when enough has been appended since the last (see es_write_checkpoint). */
  async writeCheckpoint(minEvents: number, maxAgeMs: number): Promise<string | null> {
    const { rows } = await this.pool.query<{ id: string | null }>(
      `SELECT es_write_checkpoint($1, make_interval(secs => $2::double precision / 1000))::text AS id`,
      [minEvents, maxAgeMs],
    );
    return rows[0].id;
  }

  async latestCheckpoint(): Promise<ExportedCheckpoint | undefined> {
    return (await this.checkpoints('ORDER BY id DESC LIMIT 1'))[0];
  }

  async checkpoint(id: string): Promise<ExportedCheckpoint | undefined> {
    return (await this.checkpoints('WHERE id = $1', [id]))[0];
  }

  /** Checks every stream's chain, every stream head and the checkpoints' chain. */
  async verify(): Promise<ChainReport> {
    const client = await this.pool.connect();
    try {
      // One snapshot for the three checks, so that appends meanwhile do not look like breaks.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const events = await client.query<{
        stream_name: string;
        stream_revision: string;
        event_id: string;
        previous_revision: string | null;
        kind: BrokenLinkKind;
        total: number;
      }>(BROKEN_EVENT_LINKS);
      const heads = await client.query<{
        stream_name: string;
        head: string;
        last_revision: string | null;
        event_id: string | null;
      }>(BROKEN_HEADS);
      const checkpoints = await client.query<{
        id: string;
        step: string | null;
        chained: boolean;
        digest_holds: boolean;
        broken_heads: string | null;
      }>(BROKEN_CHECKPOINTS);
      const counts = await client.query<{ events: string; streams: string }>(
        'SELECT (SELECT count(*) FROM es_events)::text AS events, (SELECT count(*) FROM es_streams)::text AS streams',
      );
      await client.query('COMMIT');

      const brokenLinks: BrokenLink[] = events.rows.map((row) => ({
        kind: row.kind,
        stream: row.stream_name,
        revision: row.stream_revision,
        eventId: row.event_id,
        detail: describeEventLink(
          row.kind,
          BigInt(row.stream_revision),
          row.previous_revision === null ? undefined : BigInt(row.previous_revision),
        ),
      }));
      for (const row of heads.rows) {
        const tailGone = row.last_revision === null || BigInt(row.last_revision) < BigInt(row.head);
        brokenLinks.push({
          kind: tailGone ? 'missing' : 'edited',
          stream: row.stream_name,
          revision: row.head,
          eventId: row.event_id,
          detail: tailGone
            ? `the stream's head is revision ${row.head}, its last event ${row.last_revision ?? 'none'}`
            : `the stream's head hash differs from its last event's`,
        });
      }
      for (const row of checkpoints.rows) {
        const gap = row.step === null ? row.id !== '1' : row.step !== '1';
        const problems = [
          gap ? `checkpoints before it are missing` : null,
          row.chained ? null : `its previous digest is not the digest of the checkpoint before it`,
          row.digest_holds ? null : `its digest does not match its recorded heads`,
          row.broken_heads ? `heads not found as recorded: ${row.broken_heads}` : null,
        ].filter((problem) => problem !== null);
        if (problems.length === 0) continue;
        brokenLinks.push({
          kind: gap || !row.chained || row.broken_heads?.includes('missing') ? 'missing' : 'edited',
          stream: '$checkpoints',
          revision: row.id,
          eventId: null,
          detail: problems.join('; '),
        });
      }
      const brokenLinkCount = (events.rows[0]?.total ?? 0) + brokenLinks.length - events.rows.length;
      return {
        events: Number(counts.rows[0].events),
        streams: Number(counts.rows[0].streams),
        checkpoints: checkpoints.rows.length,
        brokenLinks: brokenLinks.slice(0, MAX_LISTED_BROKEN_LINKS),
        brokenLinkCount,
      };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Whether the history up to an exported checkpoint is unchanged: the checkpoint is still there
   * with the same digest, and every chain verifies. The digests chain every earlier checkpoint,
   * whose heads are the last events of every stream in each window of $all, whose hashes chain
   * every event before them: so every event up to the checkpoint is the one it was.
   */
  async prove(exported: ExportedCheckpoint): Promise<Proof> {
    const chain = await this.verify();
    const stored = await this.checkpoint(exported.id);
    const reason = !stored
      ? `checkpoint ${exported.id} is not in the ledger: its history was rolled back`
      : !sameCheckpoint(stored, exported)
        ? `checkpoint ${exported.id} differs from the exported one: its history was rewritten`
        : chain.brokenLinkCount > 0
          ? `${chain.brokenLinkCount} broken links (see chain)`
          : null;
    return { proven: reason === null, checkpoint: exported, reason, chain };
  }

  private async checkpoints(where: string, values: unknown[] = []): Promise<ExportedCheckpoint[]> {
    const { rows } = await this.pool.query<{
      id: string;
      up_to_position: string;
      created_at: Date;
      stream_count: number;
      previous_digest: string | null;
      digest: string;
    }>(
      `SELECT id::text, up_to_position::text, created_at, stream_count, encode(previous_digest, 'hex') AS previous_digest,
              encode(digest, 'hex') AS digest
         FROM es_checkpoints ${where}`,
      values,
    );
    return rows.map((row) => ({
      id: row.id,
      upToPosition: row.up_to_position,
      createdAt: row.created_at.toISOString(),
      streamCount: row.stream_count,
      previousDigest: row.previous_digest,
      digest: row.digest,
    }));
  }
}

/** Every field of the checkpoint as the ledger keeps it equals the exported one (a time as the same instant). */
const sameCheckpoint = (stored: ExportedCheckpoint, exported: ExportedCheckpoint) =>
  stored.digest === exported.digest &&
  stored.upToPosition === exported.upToPosition &&
  stored.previousDigest === exported.previousDigest &&
  stored.streamCount === exported.streamCount &&
  Date.parse(stored.createdAt) === Date.parse(exported.createdAt);
