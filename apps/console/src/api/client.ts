import createClient from 'openapi-fetch';
import type { paths } from './schema';

/**
 * The API client generated from the ledger's OpenAPI document, signing every request with `apiKey`.
 * The reads after a command wait for the read models to reach the position it wrote (`X-Min-Position`
 * from `X-Ledger-Position`), so a screen never shows the state from before a change it just made.
 */
export function createApiClient(apiKey: string) {
  const client = createClient<paths>({ baseUrl: window.location.origin });
  const seen: { position?: string } = {};
  client.use({
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${apiKey}`);
      if (request.method === 'GET' && seen.position) request.headers.set('X-Min-Position', seen.position);
      return request;
    },
    onResponse({ request, response }) {
      const written = response.headers.get('X-Ledger-Position');
      if (written) seen.position = written;
      // Answered (or given up on): the read models reached it, and later reads need not wait.
      else if (request.method === 'GET' && request.headers.get('X-Min-Position') === seen.position)
        delete seen.position;
    },
  });
  return client;
}

export type ApiClient = ReturnType<typeof createApiClient>;

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** An error the API answered with (its code and sentence), or a network failure (status 0). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }

  /** The problems of one field of a `validation_failed`, as one sentence. */
  fieldMessage(field: string): string | undefined {
    const problems = this.fields.filter((entry) => entry.field === field).flatMap((entry) => entry.problems);
    return problems.length > 0 ? problems.join('; ') : undefined;
  }
}

/** The API's error body (API.md): `{ error, message, details }`; `error` may also be `{ code, message }`. */
function failureFrom(status: number, body: unknown): ApiFailure {
  const record = (body ?? {}) as { error?: unknown; message?: unknown; details?: unknown };
  const nested = typeof record.error === 'object' && record.error !== null ? (record.error as typeof record) : record;
  const code =
    typeof nested.error === 'string'
      ? nested.error
      : typeof (nested as { code?: unknown }).code === 'string'
        ? String((nested as { code: string }).code)
        : `http_${status}`;
  const message = typeof nested.message === 'string' ? nested.message : `The ledger answered ${status}.`;
  const fields = Array.isArray(nested.details)
    ? (nested.details as FieldProblem[]).filter((entry) => typeof entry?.field === 'string')
    : [];
  return new ApiFailure(status, code, message, fields);
}

/**
 * The body of a successful answer, typed as `T` where the OpenAPI document leaves the response
 * untyped (lists, admin reports); an ApiFailure otherwise.
 */
export async function answer<T>(call: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: unknown; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new ApiFailure(0, 'network_error', 'The ledger could not be reached. Check your connection and try again.');
  }
  if (!result.response.ok) throw failureFrom(result.response.status, result.error);
  return result.data as T;
}

/** A fresh Idempotency-Key (crypto.randomUUID needs a secure context; this does not). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
