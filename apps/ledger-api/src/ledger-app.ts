import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule, AppOptions } from './app.module';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { ErrorResponse } from './http/api-error';
import { BATCH_BODY, refuseUnacceptableBodies, refuseUnsafeJson, STATEMENT_UPLOAD } from './http/request-body';
import { assignRequestIdMiddleware } from './http/request-id';
import { StartUpChatterAtDebug } from './logging/start-up-chatter.logger';
import { applySecurityHeaders } from './http/security-headers';
import { applyServerTimeouts } from './http/server-timeouts';
import { createValidationPipe } from './http/validation.pipe';

/** The configured API app, not yet listening: used by main.ts and by the e2e tests. */
export async function createLedgerApp(options: AppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    bufferLogs: true,
    // The bank webhook's signature covers the raw body (kept by the JSON parser registered below).
    rawBody: true,
    // Nest's defaults would add a urlencoded parser: bodies are JSON only.
    bodyParser: false,
  });
  app.useLogger(new StartUpChatterAtDebug(app.get(Logger)));
  applyServerTimeouts(app.getHttpServer(), options.config.httpRequestTimeoutMs);
  // Before the body parser, so that even a request it rejects carries its id.
  app.use(assignRequestIdMiddleware);
  // Before the body checks, so that their refusals carry the headers too.
  applySecurityHeaders(app, options.config);
  app.use(refuseUnacceptableBodies);
  // The largest any route takes; refuseUnsafeJson holds each route to its own.
  app.useBodyParser('json', { limit: BATCH_BODY.limitBytes });
  // Only the statement upload gets this far with text/csv (refuseUnacceptableBodies).
  app.useBodyParser('text', { type: STATEMENT_UPLOAD.mediaType, limit: STATEMENT_UPLOAD.limitBytes });
  app.use(refuseUnsafeJson);
  app.useGlobalFilters(new ApiExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  app.disable('x-powered-by');

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
