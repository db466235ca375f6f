import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { pathOf } from '../http/request-body';

/**
 * What makes two requests under one Idempotency-Key the same request: method, path and the parsed
 * body in canonical form, so key order and whitespace do not matter while values and their types
 * do (`1` is not `"1"`).
 */
export function requestFingerprint(request: Pick<FastifyRequest, 'method' | 'url' | 'body'>): string {
  return createHash('sha256')
    .update(`${request.method} ${pathOf(request.url)}\n${canonicalJson(request.body ?? null)}`)
    .digest('hex');
}

/** JSON with the keys of every object sorted and no spacing. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const fields = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${fields.map(([name, field]) => `${JSON.stringify(name)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
