import { Currency } from './currency';

/** The largest amount a client may send: JSON numbers are exact only up to 2^53 − 1. */
export const MAX_AMOUNT = BigInt(Number.MAX_SAFE_INTEGER);

/** An amount in minor units. bigint, so that sums of many amounts never lose a cent. */
export interface Money {
  amount: bigint;
  currency: Currency;
}

/** A positive whole number of minor units no larger than MAX_AMOUNT, or undefined. */
export function parseAmount(value: unknown): bigint | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value > 0 ? BigInt(value) : undefined;
  }
  if (typeof value === 'bigint') return value > 0n && value <= MAX_AMOUNT ? value : undefined;
  if (typeof value === 'string' && /^[1-9]\d{0,15}$/.test(value)) {
    const amount = BigInt(value);
    return amount <= MAX_AMOUNT ? amount : undefined;
  }
  return undefined;
}
