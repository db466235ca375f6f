import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsUUID, ValidateBy } from 'class-validator';

/** UUID version 8 is the ledger's own: every id it derives (`deterministicUuid`) is of it. */
const isDerivedUuid = (value: unknown) => typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-8/i.test(value);

/**
 * A body or query field holding a UUID. UUIDs are case-insensitive (RFC 9562) and the ledger names
 * its streams and keys its rows by the lower-case form, so the field is read in lower case: an id
 * sent in capitals names the same account, payment or transfer, never a second one.
 *
 * `chosen`: an id the client chooses for something new (a batch item's payment or transfer). It
 * may not be of version 8, the ledger's derived ids: a client could otherwise foresee one (from a
 * key) and take it first from the request that derives it.
 */
export const UuidField = (options: { chosen?: boolean } = {}): PropertyDecorator =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value)),
    IsUUID(),
    ...(options.chosen
      ? [
          ValidateBy({
            name: 'isChosenUuid',
            validator: {
              validate: (value: unknown) => !isDerivedUuid(value),
              defaultMessage: () => "$property must be a UUID of version 1 to 7: version 8 is the ledger's derived ids",
            },
          }),
        ]
      : []),
  );
