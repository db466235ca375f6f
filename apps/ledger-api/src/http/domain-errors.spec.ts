import { DomainRefusal } from '@ledger/ledger-domain';
import { ApplicationError } from '../shared/application-error';
import { describeException } from './api-exception.filter';

const request = { method: 'POST', url: '/api/v1/payments' };

describe('domain errors over HTTP', () => {
  it.each([
    ['insufficient_funds', 422, 'insufficient_funds'],
    ['capture_window_expired', 409, 'capture_window_expired'],
    ['currency_mismatch', 422, 'currency_mismatch'],
    ['payer_not_found', 404, 'not_found'],
    ['payment_not_found', 404, 'not_found'],
  ] as const)('answers %s with %i %s', (code, status, error) =>
    expect(describeException(new DomainRefusal({ code, message: 'Why.' }), request)).toEqual({
      status,
      body: { error, message: 'Why.' },
    }),
  );

  it('answers a refused field as validation_failed, naming the field', () =>
    expect(
      describeException(
        new DomainRefusal({
          code: 'payee_is_payer',
          message: 'payeeAccountId must differ from payerAccountId',
          field: 'payeeAccountId',
        }),
        request,
      ),
    ).toEqual({
      status: 400,
      body: {
        error: 'validation_failed',
        message: 'The request is invalid.',
        details: [{ field: 'payeeAccountId', problems: ['payeeAccountId must differ from payerAccountId'] }],
      },
    }));

  it.each([
    ['projection_not_found', 404, 'not_found'],
    ['rebuild_not_found', 404, 'not_found'],
    ['rebuild_in_progress', 409, 'rebuild_in_progress'],
    ['invalid_cursor', 400, 'invalid_cursor'],
  ] as const)('answers the application error %s with %i %s', (code, status, error) =>
    expect(describeException(new ApplicationError(code, 'Why.'), request)).toEqual({
      status,
      body: { error, message: 'Why.' },
    }),
  );

  it('answers an application error about fields as validation_failed, with its problems', () =>
    expect(
      describeException(
        new ApplicationError('invalid_bank_statement', 'The bank statement is invalid.', [
          { field: 'line 2', problems: ['transfer_id must be a UUID'] },
        ]),
        request,
      ),
    ).toEqual({
      status: 400,
      body: {
        error: 'validation_failed',
        message: 'The bank statement is invalid.',
        details: [{ field: 'line 2', problems: ['transfer_id must be a UUID'] }],
      },
    }));
});
