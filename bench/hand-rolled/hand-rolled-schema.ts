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
 * Why a payment is refused (status and error body), or nulls when it may go ahead: the one rule
 * book of both one-call variants. A missing account has a null currency.
 */
const REFUSAL_FUNCTION = `
CREATE FUNCTION hand_rolled.refusal(p_payer uuid, p_payee uuid, payer_currency text, payee_currency text,
                                    payer_balance bigint, p_amount bigint, OUT status integer, OUT body jsonb)
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_payer = p_payee THEN
    status := 400;
    body := jsonb_build_object('error', 'validation_failed', 'message', 'The payee must differ from the payer.');
  ELSIF payer_currency IS NULL OR payee_currency IS NULL THEN
    status := 404;
    body := jsonb_build_object('error', 'not_found', 'message', 'No such account.');
  ELSIF payer_currency <> payee_currency THEN
    status := 422;
    body := jsonb_build_object('error', 'currency_mismatch', 'message', 'The accounts hold different currencies.');
  ELSIF payer_balance < p_amount THEN
    status := 422;
    body := jsonb_build_object('error', 'insufficient_funds', 'message', 'The payer has not enough funds.');
  END IF;
END $$;

CREATE FUNCTION hand_rolled.transfer_json(p_id uuid, p_payer uuid, p_payee uuid, p_amount bigint, p_currency text)
RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', p_id, 'payerAccountId', p_payer, 'payeeAccountId', p_payee,
    'amount', p_amount, 'currency', p_currency, 'status', 'captured', 'createdAt', now())
$$;
`;

/**
 * One payment, decided and written inside the caller's transaction: what variant (b) runs. Locks
 * both balance rows in id order (so two payments never wait on each other crosswise).
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
  FOR locked IN SELECT * FROM hand_rolled.accounts WHERE id IN (p_payer, p_payee) ORDER BY id FOR UPDATE LOOP
    IF locked.id = p_payer THEN payer := locked; ELSE payee := locked; END IF;
  END LOOP;
  SELECT * INTO status, body
    FROM hand_rolled.refusal(p_payer, p_payee, payer.currency, payee.currency, payer.balance, p_amount);
  IF status IS NOT NULL THEN RETURN; END IF;
  UPDATE hand_rolled.accounts SET balance = balance + CASE WHEN id = p_payer THEN -p_amount ELSE p_amount END
    WHERE id IN (p_payer, p_payee);
  INSERT INTO hand_rolled.transfers (id, payer_account_id, payee_account_id, amount, currency)
    VALUES (p_id, p_payer, p_payee, p_amount, payer.currency);
  INSERT INTO hand_rolled.entries (transfer_id, account_id, amount)
    VALUES (p_id, p_payer, -p_amount), (p_id, p_payee, p_amount);
  status := 201;
  body := hand_rolled.transfer_json(p_id, p_payer, p_payee, p_amount, payer.currency);
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
 * Variant (c): a batch of payments, each decided on its own in order on the running balances
 * ("independent": a refused item does not stop the others), under one key, in one call. Every
 * account the batch touches is locked first, in id order (two batches never deadlock), and read
 * into arrays; the decisions run on the arrays, then each table is written once: one UPDATE per
 * account however many items touch it (updating the merchant's row 1,000 times in one transaction
 * would walk an ever longer chain of its row versions), one INSERT of the transfers, one of the
 * entries.
 */
const PAY_BATCH_FUNCTION = `
CREATE FUNCTION hand_rolled.pay_batch(p_key text, p_fingerprint text, p_items jsonb,
                                      OUT replayed boolean, OUT status integer, OUT response text)
LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[];
  balances bigint[];
  currencies text[];
  item jsonb;
  item_id uuid;
  payer uuid;
  payee uuid;
  amount bigint;
  payer_at integer;
  payee_at integer;
  refused record;
  moved_ids uuid[] := '{}';
  moved_payers uuid[] := '{}';
  moved_payees uuid[] := '{}';
  moved_amounts bigint[] := '{}';
  moved_currencies text[] := '{}';
  results jsonb[] := '{}';
BEGIN
  SELECT NOT claim.claimed, claim.status, claim.response INTO replayed, status, response
    FROM hand_rolled.claim(p_key, p_fingerprint) claim;
  IF replayed THEN RETURN; END IF;
  SELECT array_agg(locked.id), array_agg(locked.balance), array_agg(locked.currency::text)
    INTO ids, balances, currencies
    FROM (SELECT * FROM hand_rolled.accounts
           WHERE id IN (SELECT (value->>'payerAccountId')::uuid FROM jsonb_array_elements(p_items)
                        UNION SELECT (value->>'payeeAccountId')::uuid FROM jsonb_array_elements(p_items))
           ORDER BY id FOR UPDATE) locked;
  FOR item IN SELECT value FROM jsonb_array_elements(p_items) LOOP
    item_id := coalesce((item->>'id')::uuid, gen_random_uuid());
    payer := (item->>'payerAccountId')::uuid;
    payee := (item->>'payeeAccountId')::uuid;
    amount := (item->>'amount')::bigint;
    payer_at := array_position(ids, payer);
    payee_at := array_position(ids, payee);
    SELECT * INTO refused
      FROM hand_rolled.refusal(payer, payee, currencies[payer_at], currencies[payee_at], balances[payer_at], amount);
    IF refused.status IS NOT NULL THEN
      results := array_append(results, jsonb_build_object('status', refused.status, 'result', refused.body));
      CONTINUE;
    END IF;
    balances[payer_at] := balances[payer_at] - amount;
    balances[payee_at] := balances[payee_at] + amount;
    moved_ids := array_append(moved_ids, item_id);
    moved_payers := array_append(moved_payers, payer);
    moved_payees := array_append(moved_payees, payee);
    moved_amounts := array_append(moved_amounts, amount);
    moved_currencies := array_append(moved_currencies, currencies[payer_at]);
    results := array_append(results, jsonb_build_object('status', 201,
      'result', hand_rolled.transfer_json(item_id, payer, payee, amount, currencies[payer_at])));
  END LOOP;
  UPDATE hand_rolled.accounts account SET balance = after.balance
    FROM unnest(ids, balances) AS after (id, balance)
    WHERE account.id = after.id AND account.balance <> after.balance;
  INSERT INTO hand_rolled.transfers (id, payer_account_id, payee_account_id, amount, currency)
    SELECT * FROM unnest(moved_ids, moved_payers, moved_payees, moved_amounts, moved_currencies);
  INSERT INTO hand_rolled.entries (transfer_id, account_id, amount)
    SELECT moved.id, moved.payer, -moved.amount FROM unnest(moved_ids, moved_payers, moved_amounts) AS moved (id, payer, amount)
    UNION ALL
    SELECT moved.id, moved.payee, moved.amount FROM unnest(moved_ids, moved_payees, moved_amounts) AS moved (id, payee, amount);
  status := 201;
  response := jsonb_build_object('mode', 'independent', 'items', to_jsonb(results))::text;
  UPDATE hand_rolled.idempotency SET status = pay_batch.status, response = pay_batch.response WHERE key = p_key;
END $$;
`;

export async function installHandRolledSchema(pool: Pool): Promise<void> {
  for (const statement of [
    TABLES,
    REFUSAL_FUNCTION,
    TRANSFER_FUNCTION,
    CLAIM_FUNCTION,
    PAY_FUNCTION,
    PAY_BATCH_FUNCTION,
  ]) {
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
