import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import helmet from 'helmet';
import { LedgerConfig } from '../config/ledger-config';
import { LEDGER_POSITION_HEADER } from './ledger-position';
import { REQUEST_ID_HEADER } from './request-id';

/**
 * Same-origin only: the Swagger UI at /docs (and the console that will be served at /) load their
 * scripts, styles and images from this origin. Styles may be inline because Swagger UI's page has
 * `<style>` blocks and sets style attributes as it renders; scripts may not.
 */
const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    fontSrc: ["'self'", 'data:'],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    imgSrc: ["'self'", 'data:'],
    objectSrc: ["'none'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
  },
};

/** What a browser page on an allowed origin may send and read (API.md's request and response headers). */
const CORS_REQUEST_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', REQUEST_ID_HEADER, 'X-Min-Position'];
const CORS_RESPONSE_HEADERS = [
  REQUEST_ID_HEADER,
  LEDGER_POSITION_HEADER,
  'Idempotent-Replayed',
  'Retry-After',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
];

const API_PATH = /^\/api\/v1(?:[/?#]|$)/i;

/** Responses under /api/v1 carry API keys, balances and money: no cache, browser or shared, keeps them. */
function noStore(request: FastifyRequest, reply: FastifyReply): void {
  if (API_PATH.test(request.url)) reply.raw.setHeader('Cache-Control', 'no-store');
}

/**
 * The browser-facing headers of every response: helmet's (nosniff, no referrer, no framing, HSTS,
 * the CSP above), `Cache-Control: no-store` on the API, and CORS only for `CORS_ORIGINS`. Applied
 * before the body parser, so that the requests it refuses carry them too.
 */
export function applySecurityHeaders(app: NestFastifyApplication, config: LedgerConfig): void {
  const browserHeaders = helmet({ contentSecurityPolicy: CONTENT_SECURITY_POLICY, frameguard: { action: 'deny' } });
  // On the Node response, where Fastify merges them into every answer, streams and refusals included.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      noStore(request, reply);
      void browserHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined));
    });
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
      // Joined here: as a list, @fastify/cors would join them with ", ".
      allowedHeaders: CORS_REQUEST_HEADERS.join(','),
      exposedHeaders: CORS_RESPONSE_HEADERS.join(','),
      maxAge: 600,
    });
  }
}
