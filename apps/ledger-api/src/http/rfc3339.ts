import { buildMessage, ValidateBy, ValidationOptions } from 'class-validator';

const DATE_OR_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2})))?$/;
/** How toPage writes a keyset's time: Date#toISOString. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * An RFC 3339 full-date (`2026-01-31`) or date-time with an offset (`2026-01-31T23:59:59Z`) that
 * names a real moment (no February 31st, no hour 24) between years 1 and 9999 in UTC, which
 * PostgreSQL takes as it is. ISO 8601's other forms (week dates, ordinals, no offset) are refused.
 */
export function isRfc3339Time(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_OR_DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second, offsetHour, offsetMinute] = match
    .slice(1)
    .map((part) => Number(part ?? 0));
  const calendarDay = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
  const clockTime = hour < 24 && minute < 60 && second < 60 && offsetHour < 24 && offsetMinute < 60;
  const utcYear = new Date(value).getUTCFullYear();
  return calendarDay && clockTime && utcYear >= 1 && utcYear <= 9999;
}

/** A keyset time exactly as the API writes it, and a real one. */
export const isIsoInstant = (value: unknown): value is string =>
  isRfc3339Time(value) && ISO_INSTANT.test(value) && new Date(value).toISOString() === value;

/** The same moment as an ISO instant in UTC, which every reader (PostgreSQL included) reads alike. */
export const toIsoInstant = (value: string): string => new Date(value).toISOString();

export function IsRfc3339Time(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRfc3339Time',
      validator: {
        validate: isRfc3339Time,
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an RFC 3339 date or date-time, e.g. 2026-01-31 or 2026-01-31T23:59:59Z`,
        ),
      },
    },
    options,
  );
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}
