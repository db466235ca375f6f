import { isIsoInstant, isRfc3339Time } from './rfc3339';

describe('RFC 3339 times', () => {
  it.each([
    '2020-02-29',
    '2026-01-31T23:59:59Z',
    '2026-01-31T23:59:59.123456789Z',
    '2026-01-31T23:59:59+05:30',
    '0001-01-01T00:00:00Z',
    '9999-12-31',
  ])('accepts %s', (value) => expect(isRfc3339Time(value)).toBe(true));

  it.each([
    '2020-02-31',
    '2021-02-29',
    '2020-W01',
    '2020-001',
    '2020-13-01',
    '2020-01-01T24:00:00Z',
    '2020-01-01T10:00:00',
    '2020-01-01T10:00:60Z',
    '2020-01-01T10:00:00+24:00',
    '2020-01-01 10:00:00Z',
    '0000-01-01',
    '9999-12-31T23:00:00-05:00',
    '+002020-01-01',
    '',
    'now',
  ])('refuses %p', (value) => expect(isRfc3339Time(value)).toBe(false));

  it('takes as keyset times only instants written as toISOString writes them', () => {
    expect(isIsoInstant('2020-01-01T00:00:00.000Z')).toBe(true);
    expect(isIsoInstant('2020-01-01T00:00:00Z')).toBe(false);
    expect(isIsoInstant('2020-02-30T00:00:00.000Z')).toBe(false);
    expect(isIsoInstant('0000-01-01T00:00:00.000Z')).toBe(false);
  });
});
