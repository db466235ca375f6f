import { Type } from 'class-transformer';
import { IsInt, IsPositive, IsString, ValidateNested } from 'class-validator';
import { ApiError } from './api-error';
import { createValidationPipe } from './validation.pipe';

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
