import { isCurrency, minorUnits } from './currency';
import { MAX_AMOUNT, parseAmount } from './money';

describe('Money', () => {
  it.each([
    [1, 1n],
    [9007199254740991, MAX_AMOUNT],
    ['250', 250n],
    [42n, 42n],
  ])('accepts %p as %p minor units', (value, expected) => {
    expect(parseAmount(value)).toBe(expected);
  });

  it.each([0, -1, 1.5, Number.NaN, 2 ** 53, '0', '01', '1.5', '-3', '9007199254740992', 'abc', null, {}])(
    'refuses %p',
    (value) => {
      expect(parseAmount(value)).toBeUndefined();
    },
  );

  it('knows ISO 4217 codes and their minor-unit digits', () => {
    expect(isCurrency('EUR')).toBe(true);
    expect(isCurrency('eur')).toBe(false);
    expect(isCurrency('XXX')).toBe(false);
    expect(isCurrency('toString')).toBe(false);
    expect([minorUnits('EUR'), minorUnits('JPY'), minorUnits('KWD')]).toEqual([2, 0, 3]);
  });
});
