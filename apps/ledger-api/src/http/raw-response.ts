import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/**
 * The Node response, for a route that writes its answer itself (a stream): Fastify lets go of the
 * reply, and the headers set on it so far (rate limits, by the guards) go with the stream.
 */
export function takeOverResponse(reply: FastifyReply): ServerResponse {
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) reply.raw.setHeader(name, value);
  }
  reply.hijack();
  return reply.raw;
}
