import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiError } from './api-error';

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
  @MaxLength(200)
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

export function decodeCursor(cursor: string | undefined): Keyset | undefined {
  if (cursor === undefined) return undefined;
  try {
    const keyset = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Keyset;
    if (typeof keyset.id === 'string' && !Number.isNaN(Date.parse(keyset.createdAt))) return keyset;
  } catch {
    // fall through to the error below
  }
  throw new ApiError(400, 'validation_failed', 'The request is invalid.', [
    { field: 'cursor', problems: ['cursor must be a nextCursor from a previous page'] },
  ]);
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
