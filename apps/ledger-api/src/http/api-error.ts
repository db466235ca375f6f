import { HttpException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** An error the API answers with on purpose: status, snake_case code, a sentence, optional details. */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Further top-level fields of the body, where API.md names some (429's `retry_after`). */
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message, status);
  }
}

/** The error body of API.md, for the OpenAPI document. */
export class ErrorResponse {
  @ApiProperty({ example: 'validation_failed' })
  error!: string;

  @ApiProperty({ example: 'The request is invalid.' })
  message!: string;

  @ApiPropertyOptional({ description: 'Per-field problems for validation_failed; other context elsewhere.' })
  details?: unknown;

  @ApiProperty({ format: 'uuid' })
  requestId!: string;
}
