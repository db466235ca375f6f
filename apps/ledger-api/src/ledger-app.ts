import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule, AppOptions } from './app.module';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { ErrorResponse } from './http/api-error';
import {
  BATCH_BODY,
  BODY_LIMIT_BYTES,
  parseJsonBody,
  parseStatementBody,
  refuseUnacceptableBodies,
  refuseUnsafeJson,
  STATEMENT_UPLOAD,
} from './http/request-body';
import { echoRequestId, requestIdOf } from './http/request-id';
import { answerRouterError } from './http/router-errors';
import { StartUpChatterAtDebug } from './logging/start-up-chatter.logger';
import { applySecurityHeaders } from './http/security-headers';
import { applyServerTimeouts } from './http/server-timeouts';
import { createValidationPipe } from './http/validation.pipe';

/** Longer than any URL Node accepts: a long path id is refused by validation (400), not by the router (414). */
const MAX_PARAM_LENGTH = 16 * 1024;

/** The configured API app, not yet listening: used by main.ts and by the e2e tests. */
export async function createLedgerApp(options: AppOptions): Promise<INestApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestIdOf,
    frameworkErrors: answerRouterError,
    // Routing as API.md's paths have always been matched: a trailing slash and letter case do not matter.
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: MAX_PARAM_LENGTH },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), adapter, {
    bufferLogs: true,
    // The bank webhook's signature covers the raw body (kept by the JSON parser registered below).
    rawBody: true,
    // Nest's defaults would add a urlencoded parser: bodies are JSON only.
    bodyParser: false,
  });
  app.useLogger(new StartUpChatterAtDebug(app.get(Logger)));
  applyServerTimeouts(app.getHttpServer(), options.config.httpRequestTimeoutMs);
  const fastify = app.getHttpAdapter().getInstance();
  // Before the body checks, so that even a request they reject carries its id.
  fastify.addHook('onRequest', echoRequestId);
  // Before the body checks, so that their refusals carry the headers too.
  applySecurityHeaders(app, options.config);
  fastify.addHook('onRequest', refuseUnacceptableBodies);
  // Fastify's own parsers go: JSON is parsed as API.md says, and only the statement upload is text.
  fastify.removeAllContentTypeParsers();
  // The largest any route takes; parseJsonBody holds each route to its own.
  app.useBodyParser('application/json', { bodyLimit: BATCH_BODY.limitBytes }, parseJsonBody);
  // Only the statement upload gets this far with text/csv (refuseUnacceptableBodies).
  app.useBodyParser(STATEMENT_UPLOAD.mediaType, { bodyLimit: STATEMENT_UPLOAD.limitBytes }, parseStatementBody);
  // Any other type gets this far only without a body (refuseUnacceptableBodies).
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  fastify.addHook('preValidation', refuseUnsafeJson);
  app.useGlobalFilters(new ApiExceptionFilter());
  app.useGlobalPipes(createValidationPipe());

  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  return app;
}

/** The OpenAPI document of the app's routes: served at /docs-json, and the console's client is generated from it. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Ledger API')
      .setDescription(
        'Event-sourced payment ledger. The contract is docs/api.md; this document is generated from the code.',
      )
      .setVersion('0.8.0')
      .setLicense('MIT', 'https://opensource.org/license/mit')
      .addBearerAuth()
      .build(),
    { extraModels: [ErrorResponse] },
  );
}
