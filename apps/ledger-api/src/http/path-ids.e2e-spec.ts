import { randomUUID } from 'node:crypto';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { startTestLedger, TestLedger } from '../../../../test/ledger-app';

/** Path parameters that name something other than an entity id, and are checked their own way. */
const NOT_IDS: Record<string, { status: number; error: string }> = {
  // A projection's name: an unknown one is not found.
  name: { status: 404, error: 'not_found' },
  // An event stream's name, `<category>-<id>`: a malformed one is invalid like an id.
  streamName: { status: 400, error: 'validation_failed' },
};

describe('Path ids (every route of the Nest router)', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await startTestLedger();
  });
  afterAll(() => ledger.close());

  /** Every route with a `:param`, as the controllers declare them to the Nest router. */
  function parameterizedRoutes(): { method: string; path: string; parameters: string[] }[] {
    const controllers = [...ledger.app.get(ModulesContainer).values()].flatMap((module) => [
      ...module.controllers.values(),
    ]);
    return controllers.flatMap(({ metatype }) => {
      const prefix = String(Reflect.getMetadata(PATH_METADATA, metatype!) ?? '');
      const prototype = (metatype as { prototype: Record<string, unknown> }).prototype;
      return Object.getOwnPropertyNames(prototype).flatMap((name) => {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') return [];
        const route: unknown = Reflect.getMetadata(PATH_METADATA, handler);
        const requestMethod: RequestMethod | undefined = Reflect.getMetadata(METHOD_METADATA, handler);
        if (route === undefined || requestMethod === undefined) return [];
        const path = `/${[prefix, String(route)]
          .map((part) => part.replace(/^\/|\/$/g, ''))
          .filter(Boolean)
          .join('/')}`;
        const parameters = [...path.matchAll(/:(\w+)/g)].map(([, parameter]) => parameter);
        return parameters.length === 0 ? [] : [{ method: RequestMethod[requestMethod], path, parameters }];
      });
    });
  }

  it('answers 400 validation_failed naming the parameter for an id that is not a UUID, on every route', async () => {
    const routes = parameterizedRoutes();
    expect(routes.length).toBeGreaterThan(15);
    const answers = [];
    for (const { method, path, parameters } of routes) {
      for (const parameter of parameters) {
        const url = parameters.reduce(
          (target, name) => target.replace(`:${name}`, name === parameter ? 'not_an_id' : randomUUID()),
          path,
        );
        const response = await fetch(`${ledger.baseUrl}${url}`, {
          method,
          headers: {
            authorization: `Bearer ${ledger.adminKey}`,
            'idempotency-key': randomUUID(),
            ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }),
          },
          body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
        });
        const body = (await response.json()) as { error: string; details?: { field: string }[] };
        answers.push({
          route: `${method} ${path}`,
          parameter,
          status: response.status,
          error: body.error,
          details: body.details,
        });
      }
    }
    for (const answer of answers) {
      const expected = NOT_IDS[answer.parameter];
      if (expected) {
        expect(answer).toMatchObject({ status: expected.status, error: expected.error });
        continue;
      }
      expect(answer).toMatchObject({
        status: 400,
        error: 'validation_failed',
        details: [{ field: answer.parameter, problems: [`${answer.parameter} must be a UUID`] }],
      });
    }
    expect(answers.map(({ route }) => route)).toEqual(
      expect.arrayContaining([
        'DELETE /api/v1/webhook-endpoints/:endpointId',
        'POST /api/v1/payments/:paymentId/refunds',
      ]),
    );
    // Refused before any command ran: nothing is kept under their Idempotency-Keys (only the
    // rebuild of an unknown projection ran, and answered 404).
    const { rows } = await ledger.database.pool.query<{ status_code: number }>(
      'SELECT status_code FROM idempotency_keys',
    );
    expect(rows.map((row) => row.status_code)).toEqual([404]);
  });
});
