import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ApiError } from './api-error';
import type { FieldProblem } from './validation.pipe';

/** API.md: bodies over 1 MiB → 413. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** The one body that is not JSON: the bank's statement for a reconciliation (README). */
export const STATEMENT_UPLOAD = {
  path: '/api/v1/admin/reconciliations',
  mediaType: 'text/csv',
  limitBytes: 10 * 1024 * 1024,
};
/** Batches of up to 10,000 items take larger JSON bodies (API.md). */
export const BATCH_BODY = {
  paths: ['/api/v1/payments/batch', '/api/v1/transfers/batch'],
  limitBytes: 16 * 1024 * 1024,
};
/** API.md: JSON nested deeper than this → 400. */
export const MAX_JSON_DEPTH = 64;

const JSON_MEDIA_TYPE = 'application/json';
const CHARSET = /^\s*charset\s*=/;
const UTF8_CHARSET = /^\s*charset\s*=\s*"?utf-?8"?\s*$/;
const LONE_SURROGATE = /[\ud800-\udfff]/u;

type HeadersOf = Pick<FastifyRequest, 'headers'>;
type BodyRequest = Pick<FastifyRequest, 'headers' | 'method' | 'url'>;
type RouteOf = Pick<FastifyRequest, 'method' | 'url'>;

const MIB = 1024 * 1024;
const isPostTo = ({ method, url }: RouteOf, path: string) =>
  method === 'POST' && pathOf(url).replace(/\/$/, '') === path;

/** The most a route's body may take. */
export function bodyLimitBytes(route: RouteOf): number {
  if (isPostTo(route, STATEMENT_UPLOAD.path)) return STATEMENT_UPLOAD.limitBytes;
  if (BATCH_BODY.paths.some((path) => isPostTo(route, path))) return BATCH_BODY.limitBytes;
  return BODY_LIMIT_BYTES;
}

const tooLarge = (limitBytes: number) =>
  new ApiError(413, 'payload_too_large', `The request body is larger than ${limitBytes / MIB} MiB.`);

/**
 * Before anything reads a body: a declared length over the limit → 413 at once, and a body that is
 * not JSON (another Content-Type, or none) → 415, so that no route ever runs on a body it ignored
 * or parsed some other way. The unread body is left behind, so the connection closes after the answer.
 */
export function refuseUnacceptableBodies(
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  const refusal = carriesBody(request) ? bodyRefusal(request) : undefined;
  if (refusal) reply.raw.setHeader('Connection', 'close');
  done(refusal);
}

function carriesBody({ headers }: HeadersOf): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

function bodyRefusal({ headers, method, url }: BodyRequest): ApiError | undefined {
  const upload = isPostTo({ method, url }, STATEMENT_UPLOAD.path);
  const limitBytes = bodyLimitBytes({ method, url });
  if (Number(headers['content-length'] ?? 0) > limitBytes) return tooLarge(limitBytes);
  const [mediaType, ...parameters] = (headers['content-type'] ?? '').toLowerCase().split(';');
  if (upload && mediaType.trim() !== STATEMENT_UPLOAD.mediaType) {
    return new ApiError(415, 'unsupported_media_type', 'The bank statement must be sent as Content-Type: text/csv.');
  }
  if (!upload && mediaType.trim() !== JSON_MEDIA_TYPE) {
    return new ApiError(415, 'unsupported_media_type', 'Request bodies must be JSON (Content-Type: application/json).');
  }
  // Another charset would be decoded into something else than was sent (a short UTF-16 body into {}).
  if (parameters.some((parameter) => CHARSET.test(parameter) && !UTF8_CHARSET.test(parameter))) {
    return new ApiError(415, 'unsupported_media_type', 'Bodies must be UTF-8.');
  }
  // Nothing here inflates a body (RFC 9110: an unsupported content coding → 415).
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    return new ApiError(415, 'unsupported_media_type', 'Bodies must be sent without a Content-Encoding.');
  }
  return undefined;
}

/** The path of a request target, without its query. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * A JSON body as API.md reads it: UTF-8 (a byte order mark is skipped), an object or an array at
 * the top, plain JSON.parse otherwise; none when empty. Anything else → 400. Async because Nest
 * takes the parsed body of a two-argument parser from its promise. A body over its route's limit → 413.
 */
export async function parseJsonBody(request: FastifyRequest, body: Buffer): Promise<unknown> {
  if (body.length === 0) return undefined;
  // A body sent without its length (chunked) is measured once read: the parser takes up to the largest limit.
  const limitBytes = bodyLimitBytes(request);
  if (body.length > limitBytes) throw tooLarge(limitBytes);
  const text = body.toString('utf8').replace(/^\ufeff/, '');
  const first = /^[ \t\n\r]*(.)/s.exec(text)?.[1];
  let value: unknown;
  try {
    if (first !== '{' && first !== '[') throw new SyntaxError('not an object or an array');
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'validation_failed', 'The request body could not be read as JSON.');
  }
  if (!FRACTION_OR_EXPONENT.test(text)) return value;
  const integersOnly = text.replace(STRING_OR_NUMBER, quoteNonInteger);
  return integersOnly === text ? value : JSON.parse(integersOnly);
}

/**
 * API.md: money is never a float. JSON.parse reads `100.0`, `1e2` and `12.0000000000000001` as the
 * integers 100 and 12 (and `4503599627370497.5` as 4503599627370498), so a number written with a
 * fraction or an exponent is passed on as the string it was sent as: validation then refuses it,
 * naming the field, like `"10"`. No body field takes a number that is not an integer. Whether the
 * body is JSON at all was decided on the text as sent.
 */
const FRACTION_OR_EXPONENT = /\d[.eE]/;
const STRING_OR_NUMBER = /"[^"\\]*(?:\\.[^"\\]*)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const quoteNonInteger = (token: string) => (token.startsWith('"') || !/[.eE]/.test(token) ? token : `"${token}"`);

/** The bank statement as text (UTF-8); none when empty. */
export async function parseStatementBody(_request: FastifyRequest, body: Buffer): Promise<string | undefined> {
  return body.length === 0 ? undefined : body.toString('utf8');
}

/** After the JSON parser: what it accepted but the ledger cannot store or should not walk → 400. */
export function refuseUnsafeJson(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const problem = findUnsafeJson(request.body);
  done(problem && new ApiError(400, 'validation_failed', 'The request is invalid.', [problem]));
}

/**
 * The first place in parsed JSON nested deeper than MAX_JSON_DEPTH, or holding a NUL or a lone
 * surrogate in a key or a string (PostgreSQL stores neither). Stops descending at the limit, so
 * its own recursion stays shallow whatever the input.
 */
export function findUnsafeJson(value: unknown, path: readonly string[] = []): FieldProblem | undefined {
  if (typeof value === 'string') {
    // The field is named only for a problem: naming it builds a pattern, and doing so for every
    // string made this hook 3 % of the API's CPU under load.
    const problem = textProblem(value);
    return problem === undefined ? undefined : problemAt(path, problem, fieldName(path));
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (path.length >= MAX_JSON_DEPTH) {
    return problemAt(path, `must not nest deeper than ${MAX_JSON_DEPTH} levels`, 'JSON');
  }
  for (const [key, child] of Object.entries(value)) {
    const childPath = [...path, key];
    const problem = problemAt(childPath, textProblem(key), 'field names') ?? findUnsafeJson(child, childPath);
    if (problem) return problem;
  }
  return undefined;
}

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode (no lone surrogates)';
  return undefined;
}

function problemAt(path: readonly string[], problem: string | undefined, subject: string): FieldProblem | undefined {
  return problem === undefined ? undefined : { field: fieldName(path), problems: [`${subject} ${problem}`] };
}

/** Dotted like the validation pipe's fields; characters that cannot be echoed safely are replaced. */
function fieldName(path: readonly string[]): string {
  const field = path.join('.').replaceAll('\u0000', '\ufffd').replace(new RegExp(LONE_SURROGATE, 'gu'), '\ufffd');
  return field || 'body';
}
