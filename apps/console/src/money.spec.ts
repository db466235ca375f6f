import { formatMoney, minorDigits, parseAmount, requestAmount, toDecimalString } from './money';

describe('money', () => {
  it('knows the minor digits of currencies with 0, 2 and 3 of them', () => {
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('EUR')).toBe(2);
    expect(minorDigits('BHD')).toBe(3);
    expect(minorDigits('KWD')).toBe(3);
  });

  it('formats minor units per currency', () => {
    expect(formatMoney(123456, 'EUR', 'en-US')).toBe('€1,234.56');
    expect(formatMoney(5, 'EUR', 'en-US')).toBe('€0.05');
    expect(formatMoney(0, 'USD', 'en-US')).toBe('$0.00');
    expect(formatMoney(1234, 'JPY', 'en-US')).toBe('¥1,234');
    expect(formatMoney(1234, 'BHD', 'en-US')).toBe('BHD\u00a01.234');
    expect(formatMoney(7, 'KWD', 'en-US')).toBe('KWD\u00a00.007');
    expect(formatMoney(-250, 'EUR', 'en-US')).toBe('-€2.50');
    expect(formatMoney(123456, 'EUR', 'de-DE')).toBe('1.234,56\u00a0€');
  });

  it('formats amounts beyond 2^53 given as strings exactly', () => {
    expect(toDecimalString('9007199254740993', 'EUR')).toBe('90071992547409.93');
    expect(formatMoney('9007199254740993', 'EUR', 'en-US')).toBe('€90,071,992,547,409.93');
    expect(formatMoney('123456789012345678901234567', 'JPY', 'en-US')).toBe('¥123,456,789,012,345,678,901,234,567');
    expect(formatMoney('123456789012345678901234567', 'KWD', 'en-US')).toBe(
      'KWD\u00a0123,456,789,012,345,678,901,234.567',
    );
    expect(formatMoney(2n ** 64n, 'EUR', 'en-US')).toBe('€184,467,440,737,095,516.16');
  });

  it('parses what a person typed into minor units', () => {
    expect(parseAmount('12.34', 'EUR')).toEqual({ ok: true, minor: '1234' });
    expect(parseAmount(' 12,5 ', 'EUR')).toEqual({ ok: true, minor: '1250' });
    expect(parseAmount('12', 'EUR')).toEqual({ ok: true, minor: '1200' });
    expect(parseAmount('1 000', 'JPY')).toEqual({ ok: true, minor: '1000' });
    expect(parseAmount('1.005', 'BHD')).toEqual({ ok: true, minor: '1005' });
    expect(parseAmount('90071992547409.93', 'EUR')).toEqual({ ok: true, minor: '9007199254740993' });
  });

  it('refuses amounts it cannot take exactly', () => {
    expect(parseAmount('1.234', 'EUR')).toEqual({ ok: false, message: 'EUR has 2 decimals at most' });
    expect(parseAmount('1.5', 'JPY')).toEqual({ ok: false, message: 'JPY has no decimals' });
    for (const input of ['', '-1', 'abc', '1e5', '1.2.3']) expect(parseAmount(input, 'EUR').ok).toBe(false);
    expect(parseAmount('0.00', 'EUR')).toEqual({ ok: false, message: 'The amount must be more than zero' });
  });

  it('puts only exact amounts into request bodies', () => {
    expect(requestAmount('9007199254740991')).toBe(9007199254740991);
    expect(requestAmount('9007199254740992')).toBeUndefined();
    expect(requestAmount('0')).toBeUndefined();
  });
});
