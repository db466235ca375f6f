import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ApiError } from './api-error';
import { isIsoInstant } from './rfc3339';

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Where a page ends in (created_at, id) order, newest first. */
export interface Keyset {
  createdAt: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64URL = /^[A-Za-z0-9_-]{1,200}$/;

const isUuid = (id: string) => UUID.test(id);

/**
 * The keyset of a nextCursor; anything that is not exactly what toPage writes, with an id of the
 * kind the list pages by (a UUID unless `isId` says otherwise) → 400 invalid_cursor.
 */
export function decodeCursor(cursor: string | undefined, isId: (id: string) => boolean = isUuid): Keyset | undefined {
  if (cursor === undefined) return undefined;
  const keyset = BASE64URL.test(cursor)
    ? parseKeyset(Buffer.from(cursor, 'base64url').toString('utf8'), isId)
    : undefined;
  if (!keyset) throw new ApiError(400, 'invalid_cursor', 'The cursor is not a nextCursor from a previous page.');
  return keyset;
}

function parseKeyset(json: string, isId: (id: string) => boolean): Keyset | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Object.keys(value).length !== 2) return undefined;
  const { createdAt, id } = value as Record<string, unknown>;
  return isIsoInstant(createdAt) && typeof id === 'string' && isId(id) ? { createdAt, id } : undefined;
}

/** Rows fetched with limit + 1: the extra row only says another page exists. */
export function toPage<Row extends { id: string; created_at: Date }, T>(
  rows: Row[],
  limit: number,
  map: (row: Row) => T,
): Page<T> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > limit && last
      ? Buffer.from(JSON.stringify({ createdAt: last.created_at.toISOString(), id: last.id })).toString('base64url')
      : null;
  return { data: page.map(map), nextCursor };
}
