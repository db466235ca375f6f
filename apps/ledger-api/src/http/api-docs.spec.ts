import { ApiAdminOnly, ApiErrors, ApiIdempotencyKey } from './api-docs';

/** Where @nestjs/swagger keeps ApiResponse metadata (its constants are not exported). */
const API_RESPONSE = 'swagger/apiResponse';

const responsesOf = (target: object) =>
  Reflect.getMetadata(API_RESPONSE, target) as Record<string, { description: string; type: unknown }>;

/** The codes a documented error status lists, whichever decorator named them. */
const codesOf = (target: object, status: number) =>
  responsesOf(target)
    [status].description.split(/\n\n|, /)
    .sort();

describe('ApiErrors', () => {
  it('documents one response per status, naming every code it may carry', () => {
    class Payments {
      @ApiErrors('not_found', 'invalid_payment_state', 'capture_window_expired', 'amount_exceeds_authorized')
      capture() {}
    }
    const responses = responsesOf(Payments.prototype.capture);
    expect(Object.keys(responses).sort()).toEqual(['404', '409', '422']);
    expect(responses['409'].description).toBe('invalid_payment_state, capture_window_expired');
  });

  it('adds up over several decorators on one operation instead of the last one winning', () => {
    class Deposits {
      @ApiIdempotencyKey({ required: true })
      @ApiErrors('validation_failed', 'insufficient_funds')
      create() {}
    }
    const create = Deposits.prototype.create;
    expect(codesOf(create, 400)).toEqual(['idempotency_key_required', 'validation_failed']);
    expect(codesOf(create, 422)).toEqual(['idempotency_key_reused', 'insufficient_funds']);
    expect(codesOf(create, 409)).toEqual(['idempotency_key_in_use']);
  });

  it('documents the errors every operation of a controller shares on the controller', () => {
    @ApiAdminOnly()
    class Admin {}
    expect(Object.keys(responsesOf(Admin)).sort()).toEqual(['401', '403', '429']);
    expect(codesOf(Admin, 401)).toEqual(['unauthorized']);
  });
});
