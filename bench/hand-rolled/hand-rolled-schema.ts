import { Pool } from 'pg';

/**
 * The ledger a team writes instead of event sourcing: a balance column per account, locked and
 * updated in place, a transfer row and two entry rows per payment, and an idempotency table. It
 * lives in a schema of its own, so it can share a database with the event store it is compared with.
 */
const TABLES = `
CREATE SCHEMA IF NOT EXISTS hand_rolled;

CREATE TABLE hand_rolled.accounts (
  id uuid PRIMARY KEY,
  balance bigint NOT NULL CHECK (balance >= 0),
  currency char(3) NOT NULL
);

CREATE TABLE hand_rolled.transfers (
  id uuid PRIMARY KEY,
  payer_account_id uuid NOT NULL REFERENCES hand_rolled.accounts,
  payee_account_id uuid NOT NULL REFERENCES hand_rolled.accounts,
  amount bigint NOT NULL CHECK (amount > 0),
  currency char(3) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Signed: the payer's entry is negative, the payee's positive; a transfer's two sum to zero.
CREATE TABLE hand_rolled.entries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transfer_id uuid NOT NULL REFERENCES hand_rolled.transfers,
  account_id uuid NOT NULL REFERENCES hand_rolled.accounts,
  amount bigint NOT NULL
);
CREATE INDEX entries_account ON hand_rolled.entries (account_id);

-- The stored response is text, so that a replay answers the first response byte for byte.
CREATE TABLE hand_rolled.idempotency (
  key text PRIMARY KEY,
  fingerprint text NOT NULL,
  status integer,
  response text,
  created_at timestamptz NOT NULL DEFAULT now()
);
`;

/**
 * One payment, decided and written inside the caller's transaction: what the one-call variants run.
 * Locks both balance rows in id order (so two payments never wait on each other crosswise).
 */
const TRANSFER_FUNCTION = `
CREATE FUNCTION hand_rolled.transfer(p_id uuid, p_payer uuid, p_payee uuid, p_amount bigint,
                                     OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
  payer hand_rolled.accounts;
  payee hand_rolled.accounts;
  locked hand_rolled.accounts;
BEGIN
  IF p_payer = p_payee THEN
    status := 400;
    body := jsonb_build_object('error', 'validation_failed', 'message', 'The payee must differ from the payer.');
    RETURN;
  END IF;
  FOR locked IN SELECT * FROM hand_rolled.accounts WHERE id IN (p_payer, p_payee) ORDER BY id FOR UPDATE LOOP
    IF locked.id = p_payer THEN payer := locked; ELSE payee := locked; END IF;
  END LOOP;
  IF payer.id IS NULL OR payee.id IS NULL THEN
    status := 404;
    body := jsonb_build_object('error', 'not_found', 'message', 'No such account.');
  ELSIF payer.currency <> payee.currency THEN
    status := 422;
    body := jsonb_build_object('error', 'currency_mismatch', 'message', 'The accounts hold different currencies.');
  ELSIF payer.balance < p_amount THEN
    status := 422;
    body := jsonb_build_object('error', 'insufficient_funds', 'message', 'The payer has not enough funds.');
  ELSE
    UPDATE hand_rolled.accounts SET balance = balance + CASE WHEN id = p_payer THEN -p_amount ELSE p_amount END
      WHERE id IN (p_payer, p_payee);
    INSERT INTO hand_rolled.transfers (id, payer_account_id, payee_account_id, amount, currency)
      VALUES (p_id, p_payer, p_payee, p_amount, payer.currency);
    INSERT INTO hand_rolled.entries (transfer_id, account_id, amount)
      VALUES (p_id, p_payer, -p_amount), (p_id, p_payee, p_amount);
    status := 201;
    body := jsonb_build_object('id', p_id, 'payerAccountId', p_payer, 'payeeAccountId', p_payee,
      'amount', p_amount, 'currency', payer.currency, 'status', 'captured', 'createdAt', now());
  END IF;
END $$;
`;

/**
 * Claims the key, or answers what it stored (or 422 when the same key came with another request).
 * Both one-call variants start with it.
 */
const CLAIM_FUNCTION = `
CREATE FUNCTION hand_rolled.claim(p_key text, p_fingerprint text,
                                  OUT claimed boolean, OUT status integer, OUT response text)
LANGUAGE plpgsql AS $$
DECLARE
  stored hand_rolled.idempotency;
BEGIN
  INSERT INTO hand_rolled.idempotency (key, fingerprint) VALUES (p_key, p_fingerprint) ON CONFLICT (key) DO NOTHING;
  claimed := FOUND;
  IF claimed THEN RETURN; END IF;
  -- The claim is in the same transaction as the payment: a concurrent first attempt has committed
  -- (with its response) or rolled back (and then our insert would have won) by the time we get here.
  SELECT * INTO stored FROM hand_rolled.idempotency WHERE key = p_key;
  IF stored.fingerprint <> p_fingerprint THEN
    status := 422;
    response := jsonb_build_object('error', 'idempotency_key_reused',
      'message', 'This Idempotency-Key was used with another request.')::text;
  ELSE
    status := stored.status;
    response := stored.response;
  END IF;
END $$;
`;

/** Variant (b): one payment, claim to stored response, in one call. */
const PAY_FUNCTION = `
CREATE FUNCTION hand_rolled.pay(p_key text, p_fingerprint text, p_id uuid, p_payer uuid, p_payee uuid, p_amount bigint,
                                OUT replayed boolean, OUT status integer, OUT response text)
LANGUAGE plpgsql AS $$
DECLARE
  outcome record;
BEGIN
  SELECT NOT claim.claimed, claim.status, claim.response INTO replayed, status, response
    FROM hand_rolled.claim(p_key, p_fingerprint) claim;
  IF replayed THEN RETURN; END IF;
  SELECT * INTO outcome FROM hand_rolled.transfer(p_id, p_payer, p_payee, p_amount);
  status := outcome.status;
  response := outcome.body::text;
  UPDATE hand_rolled.idempotency SET status = pay.status, response = pay.response WHERE key = p_key;
END $$;
`;

/**
 * Variant (c): a batch of payments, each decided on its own in order ("independent": one failing
 * item does not stop the others), under one key, in one call. Every account the batch touches is
 * locked first, in id order, so that two batches never deadlock.
 */
const PAY_BATCH_FUNCTION = `
CREATE FUNCTION hand_rolled.pay_batch(p_key text, p_fingerprint text, p_items jsonb,
                                      OUT replayed boolean, OUT status integer, OUT response text)
LANGUAGE plpgsql AS $$
DECLARE
  item jsonb;
  outcome record;
  results jsonb[] := '{}';
BEGIN
  SELECT NOT claim.claimed, claim.status, claim.response INTO replayed, status, response
    FROM hand_rolled.claim(p_key, p_fingerprint) claim;
  IF replayed THEN RETURN; END IF;
  PERFORM 1 FROM hand_rolled.accounts
    WHERE id IN (SELECT (value->>'payerAccountId')::uuid FROM jsonb_array_elements(p_items)
                 UNION SELECT (value->>'payeeAccountId')::uuid FROM jsonb_array_elements(p_items))
    ORDER BY id FOR UPDATE;
  FOR item IN SELECT value FROM jsonb_array_elements(p_items) LOOP
    SELECT * INTO outcome FROM hand_rolled.transfer(
      coalesce((item->>'id')::uuid, gen_random_uuid()), (item->>'payerAccountId')::uuid,
      (item->>'payeeAccountId')::uuid, (item->>'amount')::bigint);
    results := array_append(results, jsonb_build_object('status', outcome.status, 'result', outcome.body));
  END LOOP;
  status := 201;
  response := jsonb_build_object('mode', 'independent', 'items', to_jsonb(results))::text;
  UPDATE hand_rolled.idempotency SET status = pay_batch.status, response = pay_batch.response WHERE key = p_key;
END $$;
`;

export async function installHandRolledSchema(pool: Pool): Promise<void> {
  for (const statement of [TABLES, TRANSFER_FUNCTION, CLAIM_FUNCTION, PAY_FUNCTION, PAY_BATCH_FUNCTION]) {
    await pool.query(statement);
  }
}

export interface HandRolledAccount {
  id: string;
  balance: number;
  currency: string;
}

export async function openHandRolledAccounts(pool: Pool, accounts: readonly HandRolledAccount[]): Promise<void> {
  await pool.query(
    `INSERT INTO hand_rolled.accounts (id, balance, currency)
     SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::char(3)[])`,
    [
      accounts.map((account) => account.id),
      accounts.map((account) => account.balance),
      accounts.map((a) => a.currency),
    ],
  );
}

export interface HandRolledBooks {
  /** Sum of all balances, as a decimal string (bigint). */
  balances: string;
  transfers: number;
  entries: number;
  /** Sum of all signed entries: zero when every transfer's two entries balance. */
  entriesSum: string;
}

/** What the books say, read in one snapshot. */
export async function readHandRolledBooks(pool: Pool): Promise<HandRolledBooks> {
  const { rows } = await pool.query<HandRolledBooks>(
    `SELECT (SELECT sum(balance) FROM hand_rolled.accounts)::text AS balances,
            (SELECT count(*) FROM hand_rolled.transfers)::int AS transfers,
            (SELECT count(*) FROM hand_rolled.entries)::int AS entries,
            (SELECT coalesce(sum(amount), 0) FROM hand_rolled.entries)::text AS "entriesSum"`,
  );
  return rows[0];
}

/** Money conserved (the balances sum to what was opened) and two balancing entries per transfer. */
export function booksBalance(books: HandRolledBooks, opened: bigint): boolean {
  return BigInt(books.balances) === opened && books.entries === 2 * books.transfers && books.entriesSum === '0';
}
