import { applyDecorators } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { ApiJsonBody } from './api-docs';

/**
 * The body of a POST that takes none: validated against this empty class, any field sent is an
 * unknown field (400 naming it), as on every other route.
 */
export class NoBody {}

/** In the OpenAPI document: the route may be sent no body, or an empty object (any other is refused as a body is). */
export const ApiNoBody = () =>
  applyDecorators(ApiBody({ type: NoBody, required: false, description: 'None (or `{}`)' }), ApiJsonBody());
