import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/** A failure the CLI reports on stderr, without a stack, and exits 2 for. */
export class CliError extends Error {}

/** The API's error body: `details` names each field refused and why (`validation_failed`). */
interface ErrorAnswer {
  error?: string;
  message?: string;
  details?: { field?: string; problems?: string[] }[];
}

/**
 * An error answer as the CLI prints it: status, code and message, then each refused field with its
 * problems on a line of its own, so `400 validation_failed` says what to change.
 */
export function failureMessage(status: number, statusText: string, answer: ErrorAnswer | undefined): string {
  const head = `${status} ${answer?.error ?? 'error'}: ${answer?.message ?? statusText}`;
  const details = Array.isArray(answer?.details) ? answer.details : [];
  return [head, ...details.map((detail) => `  ${detail.field ?? '?'}: ${(detail.problems ?? []).join('; ')}`)].join(
    '\n',
  );
}

/**
 * The admin API of a running ledger, over HTTP: the CLI does what an admin could do with curl, so
 * it works the same against the embedded database and a production deployment.
 */
@Injectable()
export class LedgerAdminClient {
  private readonly baseUrl = (process.env.LEDGER_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`).replace(
    /\/$/,
    '',
  );

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  /** With a body, as JSON, under a fresh Idempotency-Key: the action runs once per invocation. */
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>('POST', path, body === undefined ? undefined : JSON.stringify(body));
  }

  /** A CSV file as the body (the bank statement of a reconciliation). */
  postCsv<T>(path: string, csv: string): Promise<T> {
    return this.call<T>('POST', path, csv, 'text/csv');
  }

  private async call<T>(method: string, path: string, body?: string, contentType = 'application/json'): Promise<T> {
    const key = process.env.LEDGER_ADMIN_API_KEY;
    if (!key) throw new CliError('Set LEDGER_ADMIN_API_KEY to an admin API key.');
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/api/v1/admin${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
          ...(body === undefined ? {} : { 'content-type': contentType }),
        },
        body,
      });
    } catch {
      throw new CliError(`No ledger answers at ${this.baseUrl} (set LEDGER_URL).`);
    }
    const answer = (await response.json().catch(() => undefined)) as unknown;
    if (!response.ok) throw new CliError(failureMessage(response.status, response.statusText, answer as ErrorAnswer));
    return answer as T;
  }
}
