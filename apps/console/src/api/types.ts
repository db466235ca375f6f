// The shapes the console reads. Where the OpenAPI document names a response schema, the type comes
// from it (schema.d.ts, generated); list items and admin reports the document leaves untyped are
// written from API.md and the /api/v1/admin/work contract.
import type { components } from './schema';

type Schemas = components['schemas'];

/** A JSON amount in minor units: a number while it is safe, else a string of digits. */
export type Amount = number | string;
/** The document types amounts (number or string) as empty objects: read them as Amount. */
type WithAmounts<T> = { [K in keyof T]: T[K] extends Record<string, never> ? Amount : T[K] };

export type User = Schemas['UserResponse'];
export type Account = Omit<Schemas['AccountResponse'], 'balance'> & { balance: WithAmounts<Schemas['BalanceView']> };
export type Transfer = WithAmounts<Schemas['TransferResponse']>;
export type Payment = WithAmounts<Schemas['PaymentResponse']>;
export type Refund = WithAmounts<Schemas['RefundResponse']>;
export type Role = 'customer' | 'merchant' | 'admin';
export type Currency = Schemas['OpenAccountDto']['currency'];

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Transaction {
  id: string;
  accountId: string;
  type: 'deposit' | 'withdrawal' | 'payment' | 'refund';
  direction: 'credit' | 'debit';
  amount: Amount;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed' | 'voided' | 'expired';
  referenceId: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ReviewItem {
  id: string;
  transferId: string;
  eventId: string;
  callbackType: string;
  transferStatus: string;
  reason: string;
  status: 'open' | 'resolved';
  createdAt: string;
  decision?: string;
  note?: string;
  resolvedBy?: string;
  resolvedAt?: string;
}

export type BankWorkStatus = 'awaiting_dispatch' | 'retrying' | 'awaiting_callback' | 'parked';

export interface BankWorkItem {
  id: string;
  kind: 'deposit' | 'withdrawal';
  accountId: string;
  amount: Amount;
  currency: string;
  status: BankWorkStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  parkedReason: string | null;
  sentAt: string | null;
  createdAt: string;
}

export interface ProjectionState {
  name: string;
  position: string;
  lag: Amount;
  status: 'live' | 'rebuilding';
  updatedAt: string | null;
}

export interface RebuildProgress {
  status: 'running' | 'done' | 'failed';
  processed: Amount;
  total: Amount;
  startedAt: string;
  finishedAt: string | null;
}

export interface StoredEvent {
  id: string;
  revision: Amount;
  position: string;
  type: string;
  data: unknown;
  metadata: unknown;
  createdAt: string;
}

export interface AccountAudit {
  accountId: string;
  at: string;
  balance: { available: Amount; held: Amount; ledger: Amount };
  events: {
    revision: Amount;
    type: string;
    amount: Amount | null;
    ledgerAfter: Amount;
    heldAfter: Amount;
    createdAt: string;
  }[];
  readModel: unknown;
  consistent: boolean;
}

export interface Verification {
  accounts: number;
  events: number;
  discrepancies: Record<string, unknown>[];
  journalBalanced: boolean;
  durationMs: number;
}

/** GET /api/v1/admin/work: what the async-work dashboard shows. */
export type WorkReport = Schemas['WorkResponse'];

/** An `event: change` of GET /api/v1/live. */
export interface LiveChange {
  position: string;
  type: string;
  stream: string;
  kind: 'account' | 'transfer' | 'payment' | 'user' | 'review' | 'other';
  id: string;
  accountIds: string[];
  occurredAt: string;
}
