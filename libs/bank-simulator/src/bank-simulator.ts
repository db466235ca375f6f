import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { BankStatementLine, bankStatementCsv, distortionFromQuery, StatementDistortion } from './bank-statement';
import { signWebhook } from '@ledger/bank-protocol';

export interface BankSimulatorOptions {
  /** Where outcomes are POSTed; a function, since the ledger's port may be known only later. */
  webhookUrl: () => string;
  webhookSecret: string;
  /** Share of accepted transfers that succeed. */
  successRate: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** How long a "timeout" fault keeps the submitter waiting. */
  timeoutFaultMs?: number;
  /** Transfers refused outright with 400, as a real bank refuses one to a closed account. */
  refuses?: (transfer: SubmittedTransfer) => boolean;
  /** Told of each transfer the bank takes, once (benchmarks time the hand-off with it). */
  onAccepted?: (transfer: SubmittedTransfer) => void;
  random?: () => number;
}

export interface SubmittedTransfer {
  transferId: string;
  kind: 'deposit' | 'withdrawal';
  accountId: string;
  amount: number;
  currency: string;
}

type BankStatus = 'accepted' | 'processing' | 'succeeded' | 'failed';

interface BankTransfer extends SubmittedTransfer {
  status: BankStatus;
  failureReason: string | null;
  /** The bank's own reference, as its statement shows it. */
  bankReference: string;
  /** The UTC day it succeeded, for the statement. */
  valueDate: string | null;
  /** The submitter's X-Correlation-ID, echoed on every callback of the transfer, as real banks echo a reference. */
  correlationId: string | undefined;
}

const CORRELATION_ID = /^[\x21-\x7e]{1,200}$/;

const FAILURE_REASONS = ['insufficient_funds', 'invalid_account'] as const;
const WEBHOOK_ATTEMPTS = 8;

/**
 * A simulated bank: accepts a transfer (202), then after a random delay POSTs its outcome to the
 * ledger's webhook, signed. Realistic misbehaviour: submissions sometimes fail with 503 or hang
 * past the caller's timeout (the ledger retries; the transfer id makes that safe); a `processing`
 * callback sometimes comes first; a callback is sometimes delivered twice.
 */
export class BankSimulator {
  private readonly transfers = new Map<string, BankTransfer>();
  private readonly random: () => number;
  private server: Server | undefined;
  /** Aborts every pending delay and delivery at close. */
  private readonly closing = new AbortController();

  constructor(private readonly options: BankSimulatorOptions) {
    this.random = options.random ?? Math.random;
    // Every transfer in flight waits on this one signal.
    setMaxListeners(0, this.closing.signal);
  }

  /** Changes outcomes from now on (demos and tests steer the bank with it). */
  configure(
    changes: Partial<Pick<BankSimulatorOptions, 'successRate' | 'minDelayMs' | 'maxDelayMs' | 'refuses'>>,
  ): void {
    Object.assign(this.options, changes);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((request, response) => void this.route(request, response));
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    this.closing.abort();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The statement of `valueDate` (YYYY-MM-DD): the transfers that succeeded that day, optionally distorted. */
  statementCsv(valueDate: string, distortion?: StatementDistortion): string {
    const lines: BankStatementLine[] = [...this.transfers.values()]
      .filter((transfer) => transfer.status === 'succeeded' && transfer.valueDate === valueDate)
      .map((transfer) => ({
        bankReference: transfer.bankReference,
        transferId: transfer.transferId,
        amount: transfer.amount,
        currency: transfer.currency,
        direction: transfer.kind === 'deposit' ? 'credit' : 'debit',
        valueDate,
      }));
    return bankStatementCsv(lines, distortion);
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', 'http://bank');
      const statement = /^\/statements\/(\d{4}-\d{2}-\d{2})\.csv$/.exec(url.pathname);
      if (request.method === 'GET' && statement) {
        const distortion = distortionFromQuery(url.searchParams, statement[1]);
        if (!distortion) return send(response, 400, { error: 'bad_request' });
        response.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
        return void response.end(this.statementCsv(statement[1], distortion));
      }
      if (request.method === 'POST' && request.url === '/transfers') return await this.submit(request, response);
      const status = /^\/transfers\/([\w-]{1,64})$/.exec(request.url ?? '');
      if (request.method === 'GET' && status) {
        const transfer = this.transfers.get(status[1]);
        return send(response, transfer ? 200 : 404, transfer ?? { error: 'not_found' });
      }
      send(response, 404, { error: 'not_found' });
    } catch {
      send(response, 400, { error: 'bad_request' });
    }
  }

  private async submit(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = JSON.parse(await readBody(request)) as SubmittedTransfer;
    if (typeof body.transferId !== 'string' || !Number.isSafeInteger(body.amount) || body.amount <= 0) {
      return send(response, 400, { error: 'bad_request' });
    }
    const known = this.transfers.get(body.transferId);
    if (known) return send(response, 202, known);
    if (this.options.refuses?.(body)) return send(response, 400, { error: 'transfer_refused' });
    // Transient faults come with a failing bank: a fifth of the failure rate, per attempt.
    const faultRate = (1 - this.options.successRate) / 5;
    if (this.random() < faultRate) {
      // A transient fault: 503 now, or an answer that comes too late (the transfer is taken anyway).
      if (this.random() < 0.5) return send(response, 503, { error: 'unavailable' });
      this.accept(body, correlationIdOf(request));
      await delay(this.options.timeoutFaultMs ?? 3_000, undefined, { signal: this.closing.signal }).catch(
        () => undefined,
      );
      return send(response, 202, this.transfers.get(body.transferId));
    }
    send(response, 202, this.accept(body, correlationIdOf(request)));
  }

  private accept(body: SubmittedTransfer, correlationId: string | undefined): BankTransfer {
    const bankReference = `BNK-${randomUUID().slice(0, 18).toUpperCase()}`;
    const transfer: BankTransfer = {
      ...body,
      status: 'accepted',
      failureReason: null,
      bankReference,
      valueDate: null,
      correlationId,
    };
    this.transfers.set(transfer.transferId, transfer);
    this.options.onAccepted?.(body);
    this.settle(transfer).catch(() => undefined); // only a close interrupts it
    return transfer;
  }

  private async settle(transfer: BankTransfer): Promise<void> {
    const { minDelayMs, maxDelayMs, successRate } = this.options;
    const wait = minDelayMs + this.random() * (maxDelayMs - minDelayMs);
    const signal = this.closing.signal;
    if (this.random() < 0.3) {
      await delay(wait / 2, undefined, { signal });
      transfer.status = 'processing';
      await this.deliver(transfer, 'processing', undefined);
      await delay(wait / 2, undefined, { signal });
    } else {
      await delay(wait, undefined, { signal });
    }
    const succeeded = this.random() < successRate;
    transfer.status = succeeded ? 'succeeded' : 'failed';
    transfer.failureReason = succeeded ? null : FAILURE_REASONS[Math.floor(this.random() * FAILURE_REASONS.length)];
    transfer.valueDate = succeeded ? new Date().toISOString().slice(0, 10) : null;
    const eventId = randomUUID();
    await this.deliver(transfer, transfer.status, transfer.failureReason ?? undefined, eventId);
    if (this.random() < 0.1)
      await this.deliver(transfer, transfer.status, transfer.failureReason ?? undefined, eventId);
  }

  /** POSTs one signed callback, retrying until the ledger answers 2xx (as real banks do). */
  private async deliver(transfer: BankTransfer, type: string, failureReason?: string, eventId = randomUUID()) {
    const body = JSON.stringify({
      eventId,
      transferId: transfer.transferId,
      type,
      ...(failureReason ? { failureReason } : {}),
      occurredAt: new Date().toISOString(),
    });
    for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
      this.closing.signal.throwIfAborted();
      const signature = signWebhook(this.options.webhookSecret, body, Math.floor(Date.now() / 1000));
      const delivered = await fetch(this.options.webhookUrl(), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-bank-signature': signature,
          ...(transfer.correlationId ? { 'x-correlation-id': transfer.correlationId } : {}),
        },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(10_000), this.closing.signal]),
      }).then(
        (response) => response.ok,
        () => false,
      );
      if (delivered) return;
      await delay(Math.min(200 * 2 ** attempt, 10_000), undefined, { signal: this.closing.signal });
    }
  }
}

function correlationIdOf(request: IncomingMessage): string | undefined {
  const given = request.headers['x-correlation-id'];
  return typeof given === 'string' && CORRELATION_ID.test(given) ? given : undefined;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 64 * 1024) reject(new Error('body too large'));
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}
