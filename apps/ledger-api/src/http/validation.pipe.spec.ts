import { Type } from 'class-transformer';
import { IsInt, IsPositive, IsString, ValidateNested } from 'class-validator';
import { ApiError } from './api-error';
import { createValidationPipe, uuidParam } from './validation.pipe';

class Inner {
  @IsString()
  label!: string;
}

class Example {
  @IsInt()
  @IsPositive()
  amount!: number;

  @ValidateNested()
  @Type(() => Inner)
  inner!: Inner;
}

describe('validation pipe', () => {
  const validate = (value: unknown) => createValidationPipe().transform(value, { type: 'body', metatype: Example });

  it('passes a valid body through as an instance', async () => {
    await expect(validate({ amount: 5, inner: { label: 'x' } })).resolves.toBeInstanceOf(Example);
  });

  it('rejects with validation_failed and one entry per bad field, nested and unknown fields included', async () => {
    const error: ApiError = await validate({ amount: -1.5, inner: { label: 3 }, extra: true }).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error.getStatus()).toBe(400);
    expect(error.code).toBe('validation_failed');
    const fields = (error.details as { field: string }[]).map((problem) => problem.field);
    expect(fields).toEqual(expect.arrayContaining(['amount', 'inner.label', 'extra']));
  });
});

describe('validation pipe: unknown fields class-transformer would drop unseen', () => {
  class Query {
    @IsInt()
    limit!: number;
  }
  const validate = (value: unknown, type: 'body' | 'query' = 'body') =>
    createValidationPipe().transform(value, { type, metatype: type === 'body' ? Example : Query });
  const fieldsOf = (error: ApiError) => (error.details as { field: string }[]).map((problem) => problem.field);

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('refuses a body field named %s', async (key) => {
    const body = JSON.parse(`{"amount": 5, "inner": {"label": "x"}, "${key}": 1}`) as unknown;
    const error: ApiError = await validate(body).catch((caught) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.getStatus()).toBe(400);
    expect(error.code).toBe('validation_failed');
    expect(fieldsOf(error)).toEqual([key]);
  });

  it('names such a field together with the other bad fields', async () => {
    const error: ApiError = await validate(
      JSON.parse('{"amount": -1, "inner": {"label": "x"}, "constructor": {}}'),
    ).catch((caught) => caught);
    expect(fieldsOf(error)).toEqual(expect.arrayContaining(['constructor', 'amount']));
  });

  it('refuses such a query parameter too', async () => {
    const error: ApiError = await validate({ limit: 5, toString: 'x' }, 'query').catch((caught) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(fieldsOf(error)).toEqual(['toString']);
  });
});

describe('uuidParam', () => {
  const parse = (value: string) => uuidParam('userId').transform(value, { type: 'param' });

  it('answers a UUID in lower case, whatever case it was sent in', async () => {
    await expect(parse('F2438898-2DD8-8D8F-B1D9-25C246D1FA3B')).resolves.toBe('f2438898-2dd8-8d8f-b1d9-25c246d1fa3b');
  });

  it('refuses anything else with validation_failed naming the parameter', async () => {
    const error: ApiError = await parse('not-a-uuid').catch((caught) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.details).toEqual([{ field: 'userId', problems: ['userId must be a UUID'] }]);
  });
});
