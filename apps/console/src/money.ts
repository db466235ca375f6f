// Amounts are integers in minor units (cents, yen, fils). They are formatted and parsed with BigInt
// and decimal strings only: a float never holds an amount, so nothing beyond 2^53 is rounded.

/** An amount as the API gives it: a JSON number while it is safe, else a string of digits. */
export type MinorUnits = number | string | bigint;

/** How many digits follow the decimal point in `currency` (JPY 0, EUR 2, BHD 3), as Intl knows it. */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** `amount` minor units as an exact decimal string: ("-123456", EUR) → "-1234.56". */
export function toDecimalString(amount: MinorUnits, currency: string): string {
  const value = BigInt(amount);
  const digits = minorDigits(currency);
  const magnitude = (value < 0n ? -value : value).toString().padStart(digits + 1, '0');
  const sign = value < 0n ? '-' : '';
  if (digits === 0) return `${sign}${magnitude}`;
  return `${sign}${magnitude.slice(0, -digits)}.${magnitude.slice(-digits)}`;
}

/**
 * `amount` minor units for people: "€1,234.56" in en-US, "1.234,56 €" in de-DE. Intl formats the
 * decimal string exactly (strings are decimals to Intl.NumberFormat, never converted to a float).
 */
export function formatMoney(amount: MinorUnits, currency: string, locale?: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  return format.format(toDecimalString(amount, currency) as Intl.StringNumericLiteral);
}

export type ParsedAmount = { ok: true; minor: string } | { ok: false; message: string };

/**
 * What a person typed ("12.34", "12,5", "1 000") as minor units, a string of digits: more decimals
 * than the currency has, signs, letters or zero are refused with a sentence saying why.
 */
export function parseAmount(input: string, currency: string): ParsedAmount {
  const digits = minorDigits(currency);
  const text = input.trim().replace(/[\s_']/g, '');
  const match = /^(\d+)(?:[.,](\d*))?$/.exec(text);
  if (!match) return { ok: false, message: 'Enter an amount such as 12.34' };
  const [, whole, fraction = ''] = match;
  if (fraction.length > digits) {
    return {
      ok: false,
      message:
        digits === 0
          ? `${currency} has no decimals`
          : `${currency} has ${digits} decimal${digits === 1 ? '' : 's'} at most`,
    };
  }
  const minor = BigInt(whole + fraction.padEnd(digits, '0'));
  if (minor === 0n) return { ok: false, message: 'The amount must be more than zero' };
  return { ok: true, minor: minor.toString() };
}

/** The largest amount the API accepts in one request (API.md: at most 2^53 − 1 minor units). */
export const MAX_REQUEST_AMOUNT = 9007199254740991n;

/**
 * Minor units for a request body, which takes a JSON number: exact, since amounts above 2^53 − 1
 * are refused (the API would refuse them too) rather than rounded.
 */
export function requestAmount(minor: string): number | undefined {
  const value = BigInt(minor);
  return value > 0n && value <= MAX_REQUEST_AMOUNT ? Number(value) : undefined;
}
