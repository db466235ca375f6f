import Fastify, { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Pool, PoolClient } from 'pg';

/**
 * The hand-rolled ledger's HTTP edge: Fastify + pg, the same request shape as the ledger's
 * `POST /api/v1/payments` (JSON body, `Idempotency-Key`, 201 or a 4xx `{ error, message }`), in
 * three variants, one per path:
 *
 * - `POST /multi-statement/payments`: one transaction of plain statements per payment;
 * - `POST /one-call/payments`: the same work in one PL/pgSQL call (`hand_rolled.pay`);
 * - `POST /one-call/payments/batch`: `{ "mode"?: "independent", "items": [...] }`, one call
 *   (`hand_rolled.pay_batch`) and one key for the whole batch.
 *
 * Where it is cheaper than the ledger, on purpose or not: one fixed API key compared in memory
 * (no user lookup), no rate limits, no request log, no `X-Request-ID`, no projections, and a
 * request's fingerprint is its body as parsed and serialised again (not a canonical form).
 */
export interface HandRolledServerOptions {
  databaseUrl: string;
  apiKey: string;
  /** The ledger's pool has 20 connections by default; so has this one. */
  poolSize?: number;
}

export interface HandRolledServer {
  baseUrl: string;
  /** On the same database, for the benchmark's and the tests' checks. */
  pool: Pool;
  close(): Promise<void>;
}

interface Payment {
  payerAccountId: string;
  payeeAccountId: string;
  amount: number;
}

interface Outcome {
  replayed: boolean;
  status: number;
  response: string;
}

const uuid = { type: 'string', format: 'uuid' } as const;
const paymentSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['payerAccountId', 'payeeAccountId', 'amount'],
  properties: {
    id: uuid,
    payerAccountId: uuid,
    payeeAccountId: uuid,
    amount: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  },
} as const;
const batchSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: {
    mode: { const: 'independent' },
    items: { type: 'array', minItems: 1, maxItems: 10_000, items: paymentSchema },
  },
} as const;

const errorBody = (error: string, message: string) => JSON.stringify({ error, message });

export async function startHandRolledServer({
  databaseUrl,
  apiKey,
  poolSize = 20,
}: HandRolledServerOptions): Promise<HandRolledServer> {
  const pool = new Pool({ connectionString: databaseUrl, max: poolSize });
  const app = Fastify({ bodyLimit: 4 * 1024 * 1024 });
  const expectedAuthorization = Buffer.from(`Bearer ${apiKey}`);

  app.addHook('onRequest', async (request, reply) => {
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expectedAuthorization.length || !timingSafeEqual(given, expectedAuthorization)) {
      return reply.code(401).type('application/json').send(errorBody('unauthorized', 'Missing or unknown API key.'));
    }
  });
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    const [code, message] =
      status === 400 ? ['validation_failed', error.message] : [status < 500 ? 'bad_request' : 'internal', 'Failed.'];
    return reply.code(status).type('application/json').send(errorBody(code, message));
  });

  /** The key and fingerprint of a money-moving request, or a 400 sent when the key is missing. */
  const idempotent = (
    request: FastifyRequest,
    reply: FastifyReply,
    run: (key: string, fingerprint: string) => Promise<Outcome>,
  ) => {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
      return reply
        .code(400)
        .type('application/json')
        .send(errorBody('idempotency_key_required', 'Send an Idempotency-Key header (1–255 characters).'));
    }
    const fingerprint = createHash('sha256')
      .update(`${request.url}\n${JSON.stringify(request.body)}`)
      .digest('hex');
    return run(key, fingerprint).then(({ replayed, status, response }) => {
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(status).type('application/json').send(response);
    });
  };

  app.post<{ Body: Payment }>('/multi-statement/payments', { schema: { body: paymentSchema } }, (request, reply) =>
    idempotent(request, reply, async (key, fingerprint) => {
      const client = await pool.connect();
      try {
        return await payInStatements(client, key, fingerprint, request.body);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    }),
  );

  app.post<{ Body: Payment }>('/one-call/payments', { schema: { body: paymentSchema } }, (request, reply) =>
    idempotent(request, reply, async (key, fingerprint) => {
      const { payerAccountId, payeeAccountId, amount } = request.body;
      const { rows } = await pool.query<Outcome>('SELECT * FROM hand_rolled.pay($1, $2, $3, $4, $5, $6)', [
        key,
        fingerprint,
        randomUUID(),
        payerAccountId,
        payeeAccountId,
        amount,
      ]);
      return rows[0];
    }),
  );

  app.post<{ Body: { items: Payment[] } }>(
    '/one-call/payments/batch',
    { schema: { body: batchSchema } },
    (request, reply) =>
      idempotent(request, reply, async (key, fingerprint) => {
        const { rows } = await pool.query<Outcome>('SELECT * FROM hand_rolled.pay_batch($1, $2, $3)', [
          key,
          fingerprint,
          JSON.stringify(request.body.items),
        ]);
        return rows[0];
      }),
  );

  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    baseUrl,
    pool,
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
}

/**
 * Variant (a), as a team writes it without stored procedures: claim the key, lock both balance rows
 * in id order, check, update both, insert the transfer and its two entries, store the response; one
 * transaction, a round trip per statement.
 */
async function payInStatements(
  client: PoolClient,
  key: string,
  fingerprint: string,
  payment: Payment,
): Promise<Outcome> {
  const { payerAccountId, payeeAccountId, amount } = payment;
  await client.query('BEGIN');
  const claim = await client.query(
    'INSERT INTO hand_rolled.idempotency (key, fingerprint) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
    [key, fingerprint],
  );
  if (claim.rowCount === 0) {
    await client.query('ROLLBACK');
    const { rows } = await client.query<{ fingerprint: string; status: number; response: string }>(
      'SELECT fingerprint, status, response FROM hand_rolled.idempotency WHERE key = $1',
      [key],
    );
    return rows[0].fingerprint === fingerprint
      ? { replayed: true, status: rows[0].status, response: rows[0].response }
      : {
          replayed: true,
          status: 422,
          response: errorBody('idempotency_key_reused', 'This Idempotency-Key was used with another request.'),
        };
  }
  const { transfer, ...decided } = await decide(client, payment);
  if (transfer) {
    await client.query(
      'UPDATE hand_rolled.accounts SET balance = balance + CASE WHEN id = $1 THEN -$3::bigint ELSE $3::bigint END WHERE id IN ($1, $2)',
      [payerAccountId, payeeAccountId, amount],
    );
    await client.query(
      'INSERT INTO hand_rolled.transfers (id, payer_account_id, payee_account_id, amount, currency) VALUES ($1, $2, $3, $4, $5)',
      [transfer.id, payerAccountId, payeeAccountId, amount, transfer.currency],
    );
    await client.query(
      'INSERT INTO hand_rolled.entries (transfer_id, account_id, amount) VALUES ($1, $2, -$4::bigint), ($1, $3, $4::bigint)',
      [transfer.id, payerAccountId, payeeAccountId, amount],
    );
  }
  await client.query('UPDATE hand_rolled.idempotency SET status = $2, response = $3 WHERE key = $1', [
    key,
    decided.status,
    decided.response,
  ]);
  await client.query('COMMIT');
  return { replayed: false, ...decided };
}

/** Locks both accounts (in id order) and decides the payment: 201 with the transfer, or the 4xx. */
async function decide(
  client: PoolClient,
  { payerAccountId, payeeAccountId, amount }: Payment,
): Promise<{ status: number; response: string; transfer?: { id: string; currency: string } }> {
  if (payerAccountId === payeeAccountId) {
    return { status: 400, response: errorBody('validation_failed', 'The payee must differ from the payer.') };
  }
  const { rows } = await client.query<{ id: string; balance: string; currency: string }>(
    'SELECT id, balance, currency FROM hand_rolled.accounts WHERE id IN ($1, $2) ORDER BY id FOR UPDATE',
    [payerAccountId, payeeAccountId],
  );
  const payer = rows.find((row) => row.id === payerAccountId);
  const payee = rows.find((row) => row.id === payeeAccountId);
  if (!payer || !payee) return { status: 404, response: errorBody('not_found', 'No such account.') };
  if (payer.currency !== payee.currency) {
    return { status: 422, response: errorBody('currency_mismatch', 'The accounts hold different currencies.') };
  }
  if (BigInt(payer.balance) < BigInt(amount)) {
    return { status: 422, response: errorBody('insufficient_funds', 'The payer has not enough funds.') };
  }
  const transfer = {
    id: randomUUID(),
    payerAccountId,
    payeeAccountId,
    amount,
    currency: payer.currency,
    status: 'captured',
    createdAt: new Date().toISOString(),
  };
  return { status: 201, response: JSON.stringify(transfer), transfer };
}
