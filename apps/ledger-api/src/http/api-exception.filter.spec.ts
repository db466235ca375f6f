import { ArgumentsHost, BadRequestException, Logger } from '@nestjs/common';
import { ApiError } from './api-error';
import { ApiExceptionFilter } from './api-exception.filter';

/** Runs the filter on an exception and returns what it answered. */
function answer(exception: unknown): { status: number; body: Record<string, unknown> } {
  const sent: { status: number; body: Record<string, unknown> } = { status: 0, body: {} };
  const response = {
    sent: false,
    raw: { headersSent: false },
    status(code: number) {
      sent.status = code;
      return this;
    },
    send(body: Record<string, unknown>) {
      sent.body = body;
    },
  };
  const request = { id: 'req-1', method: 'POST', url: '/api/v1/x' };
  const host = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ArgumentsHost;
  new ApiExceptionFilter().catch(exception, host);
  return sent;
}

describe('ApiExceptionFilter', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));

  it('answers an ApiError with its status, code, message and details', () => {
    const details = [{ field: 'amount', problems: ['amount must be a positive integer'] }];
    expect(answer(new ApiError(400, 'validation_failed', 'The request is invalid.', details))).toEqual({
      status: 400,
      body: { error: 'validation_failed', message: 'The request is invalid.', details, requestId: 'req-1' },
    });
  });

  it('answers an unexpected error with 500 and nothing of its internals', () => {
    const error = new Error('relation "secret_table" does not exist at SELECT * FROM secret_table');
    const { status, body } = answer(error);
    expect(status).toBe(500);
    expect(body).toEqual({ error: 'internal_error', message: 'An unexpected error occurred.', requestId: 'req-1' });
  });

  it('names other HTTP errors by their status', () => {
    expect(answer(new BadRequestException('Nope'))).toEqual({
      status: 400,
      body: { error: 'bad_request', message: 'Nope.', requestId: 'req-1' },
    });
  });
});
