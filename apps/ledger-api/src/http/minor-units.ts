import { ValidateBy } from 'class-validator';

/**
 * An amount of money: a positive integer in minor units, at most 2^53 - 1 (API.md). One problem
 * names what is wanted, whatever was sent (a string, a fraction, zero, too much).
 */
export const MinorUnits = (): PropertyDecorator =>
  ValidateBy({
    name: 'minorUnits',
    validator: {
      validate: (value: unknown) => Number.isSafeInteger(value) && (value as number) > 0,
      defaultMessage: (args) =>
        `${args?.property ?? 'amount'} must be a positive integer in minor units, at most ${Number.MAX_SAFE_INTEGER}`,
    },
  });
