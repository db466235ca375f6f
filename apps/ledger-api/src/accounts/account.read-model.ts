import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from '../infrastructure/infrastructure.module';
import { jsonAmount } from '../http/json-amount';
import { Keyset } from '../http/pagination';
import { AccountBalanceResponse, AccountResponse } from './account.response';

export interface AccountRow {
  id: string;
  user_id: string;
  currency: string;
  status: string;
  ledger: string;
  held: string;
  position: string;
  created_at: Date;
  updated_at: Date;
}

/** Reads of the rm_accounts read model. */
@Injectable()
export class AccountReadModel {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async find(accountId: string): Promise<AccountRow | undefined> {
    const { rows } = await this.pool.query<AccountRow>('SELECT * FROM rm_accounts WHERE id = $1', [accountId]);
    return rows[0];
  }

  /** Newest first; `userId` undefined lists every account (admins). */
  async list(userId: string | undefined, after: Keyset | undefined, limit: number): Promise<AccountRow[]> {
    const { rows } = await this.pool.query<AccountRow>(
      `SELECT * FROM rm_accounts
        WHERE ($1::uuid IS NULL OR user_id = $1)
          AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [userId ?? null, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return rows;
  }

  async ofUser(userId: string): Promise<AccountRow[]> {
    const { rows } = await this.pool.query<AccountRow>(
      'SELECT * FROM rm_accounts WHERE user_id = $1 ORDER BY created_at DESC, id DESC',
      [userId],
    );
    return rows;
  }
}

export function toAccountResponse(row: AccountRow): AccountResponse {
  return {
    id: row.id,
    userId: row.user_id,
    currency: row.currency,
    status: row.status,
    balance: toBalance(row),
    createdAt: row.created_at.toISOString(),
  };
}

export function toBalance(row: AccountRow) {
  return {
    available: jsonAmount(BigInt(row.ledger) - BigInt(row.held)),
    held: jsonAmount(row.held),
    ledger: jsonAmount(row.ledger),
  };
}

export function toBalanceResponse(row: AccountRow): AccountBalanceResponse {
  return {
    accountId: row.id,
    currency: row.currency,
    ...toBalance(row),
    position: row.position,
    updatedAt: row.updated_at.toISOString(),
  };
}
