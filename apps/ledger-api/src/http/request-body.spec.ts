import { ApiError } from './api-error';
import { findUnsafeJson, MAX_JSON_DEPTH, parseJsonBody, refuseUnacceptableBodies } from './request-body';

const nested = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels));

describe('findUnsafeJson', () => {
  it('takes ordinary JSON, surrogate pairs included', () => {
    expect(findUnsafeJson({ a: [1, 'x', null, { b: 'café 😀' }], c: true })).toBeUndefined();
    expect(findUnsafeJson(undefined)).toBeUndefined();
  });

  it(`takes ${MAX_JSON_DEPTH} levels and refuses ${MAX_JSON_DEPTH + 1}, at any depth of input`, () => {
    expect(findUnsafeJson(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(findUnsafeJson(nested(MAX_JSON_DEPTH + 1))).toMatchObject({
      problems: [`JSON must not nest deeper than ${MAX_JSON_DEPTH} levels`],
    });
    expect(findUnsafeJson({ x: nested(100_000) })).toMatchObject({ field: expect.stringMatching(/^x(\.0){63}$/) });
  });

  it('names the field holding a NUL or a lone surrogate, in a value or a key', () => {
    expect(findUnsafeJson({ description: 'a\u0000b' })).toEqual({
      field: 'description',
      problems: ['description must not contain NUL characters'],
    });
    expect(findUnsafeJson({ items: [{ name: 'x\udc00' }] })).toEqual({
      field: 'items.0.name',
      problems: ['items.0.name must be well-formed Unicode (no lone surrogates)'],
    });
    expect(findUnsafeJson({ ['k\ud800']: 1 })).toEqual({
      field: 'k\ufffd',
      problems: ['field names must be well-formed Unicode (no lone surrogates)'],
    });
  });
});

describe('refuseUnacceptableBodies', () => {
  const refusal = (headers: Record<string, string>, path = '/api/v1/deposits') => {
    let passed: unknown = 'not called';
    const closing: Record<string, string> = {};
    refuseUnacceptableBodies(
      { headers, method: 'POST', url: path } as never,
      { raw: { setHeader: (name: string, value: string) => (closing[name] = value) } } as never,
      (error?: unknown) => (passed = error),
    );
    return passed instanceof ApiError
      ? { status: passed.getStatus(), code: passed.code, connection: closing.Connection }
      : passed;
  };

  it.each([
    [{ 'content-length': '12', 'content-type': 'application/json' }],
    [{ 'content-length': '12', 'content-type': 'Application/JSON; charset="UTF-8"' }],
    [{ 'content-length': '12', 'content-type': 'application/json', 'content-encoding': 'identity' }],
    [{ 'content-length': '0', 'content-type': 'text/plain' }],
    [{}],
  ])('lets %o through', (headers) => expect(refusal(headers)).toBeUndefined());

  it.each([
    [{ 'content-length': '12', 'content-type': 'text/plain' }],
    [{ 'content-length': '12' }],
    [{ 'transfer-encoding': 'chunked', 'content-type': 'application/x-www-form-urlencoded' }],
    [{ 'content-length': '12', 'content-type': 'application/json; charset=utf-16' }],
    [{ 'content-length': '12', 'content-type': 'application/jsonp' }],
    [{ 'content-length': '12', 'content-type': 'application/json', 'content-encoding': 'gzip' }],
  ])('refuses %o with 415 and closes the connection', (headers) =>
    expect(refusal(headers)).toEqual({ status: 415, code: 'unsupported_media_type', connection: 'close' }),
  );

  it('refuses a declared length over 1 MiB with 413 before reading', () =>
    expect(refusal({ 'content-length': String(1024 * 1024 + 1), 'content-type': 'application/json' })).toEqual({
      status: 413,
      code: 'payload_too_large',
      connection: 'close',
    }));

  describe('the bank statement upload (the one text/csv route)', () => {
    const upload = '/api/v1/admin/reconciliations';

    it('takes text/csv up to 10 MiB', () => {
      expect(refusal({ 'content-length': '12', 'content-type': 'text/csv; charset=utf-8' }, upload)).toBeUndefined();
      expect(
        refusal({ 'content-length': String(10 * 1024 * 1024), 'content-type': 'text/csv' }, upload),
      ).toBeUndefined();
    });

    it('refuses JSON there, CSV elsewhere, and more than 10 MiB', () => {
      expect(refusal({ 'content-length': '12', 'content-type': 'application/json' }, upload)).toMatchObject({
        status: 415,
      });
      expect(refusal({ 'content-length': '12', 'content-type': 'text/csv' })).toMatchObject({ status: 415 });
      expect(
        refusal({ 'content-length': String(10 * 1024 * 1024 + 1), 'content-type': 'text/csv' }, upload),
      ).toMatchObject({ status: 413 });
    });
  });
});

describe('parseJsonBody: numbers with a fraction or an exponent', () => {
  const parse = (text: string) =>
    parseJsonBody({ method: 'POST', url: '/api/v1/deposits' } as never, Buffer.from(text));

  it('passes them on as the strings they were sent as, so that validation refuses them', async () => {
    await expect(parse('{"amount":100.0,"b":[1e2,-0.5,7],"c":12.0000000000000001}')).resolves.toEqual({
      amount: '100.0',
      b: ['1e2', '-0.5', 7],
      c: '12.0000000000000001',
    });
    await expect(parse('{"amount":4503599627370497.5}')).resolves.toEqual({ amount: '4503599627370497.5' });
  });

  it('leaves integers, and anything inside strings, keys and escapes included, as they are', async () => {
    const text = '{"amount":100,"n":-3,"s":"v1.5 \\" 2e3 \\\\","1.5":{"id":"7d18ce35-124e-8c99-aa9c-f35c21c73424"}}';
    await expect(parse(text)).resolves.toEqual(JSON.parse(text));
  });

  it('still refuses what is not JSON as sent', async () => {
    for (const text of ['{"amount":1.}', '{"amount":.5}', '{"a":"1.5}', '{"amount":1.5.5}']) {
      await expect(parse(text)).rejects.toMatchObject({ code: 'validation_failed' });
    }
  });
});
