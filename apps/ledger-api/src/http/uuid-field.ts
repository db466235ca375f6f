import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsUUID } from 'class-validator';

/**
 * A body or query field holding a UUID. UUIDs are case-insensitive (RFC 9562) and the ledger names
 * its streams and keys its rows by the lower-case form, so the field is read in lower case: an id
 * sent in capitals names the same account, payment or transfer, never a second one.
 */
export const UuidField = (): PropertyDecorator =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value)),
    IsUUID(),
  );
