import { ArgumentMetadata, ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { ApiError } from './api-error';

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** Body, query and path validation: unknown fields rejected, every bad field named in `details`. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => invalidRequest(flatten(errors)),
  });
}

/**
 * class-transformer silently drops a key named like something on the DTO's prototype
 * (`constructor`, `__proto__`, `toString`, `hasOwnProperty`…), so forbidNonWhitelisted never sees
 * it: such a field, unknown to the DTO, is refused here like any other unknown field.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // A DTO is an object: an array would be validated element by element, against nothing.
    if (metadata.type === 'body' && Array.isArray(value) && metadata.metatype !== Array) {
      throw new ApiError(400, 'validation_failed', 'The request body must be a JSON object.');
    }
    const hidden = hiddenUnknownFields(value, metadata).map((field) => ({
      field,
      problems: [`property ${field} should not exist`],
    }));
    if (hidden.length === 0) return super.transform(value, metadata);
    const others = await super.transform(value, metadata).then(
      () => [],
      (error: unknown) => {
        if (error instanceof ApiError && error.code === 'validation_failed')
          return (error.details ?? []) as FieldProblem[];
        throw error;
      },
    );
    throw invalidRequest([...hidden, ...others]);
  }
}

function hiddenUnknownFields(value: unknown, { type, metatype }: ArgumentMetadata): string[] {
  if ((type !== 'body' && type !== 'query') || typeof metatype !== 'function') return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  // Cheap first: almost every request has no such key, and then no metadata is looked up.
  const suspects = Object.keys(value).filter((key) => key in metatype.prototype);
  if (suspects.length === 0) return [];
  const known = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(metatype, '', true, false)
      .map((rule) => rule.propertyName),
  );
  return known.size === 0 ? [] : suspects.filter((key) => !known.has(key));
}

/** A path parameter that must be a UUID: anything else is a bad field like any other. */
export function uuidParam(field: string): ParseUUIDPipe {
  return new LowerCaseUuidPipe({
    exceptionFactory: () => invalidRequest([{ field, problems: [`${field} must be a UUID`] }]),
  });
}

/** UUIDs are case-insensitive; ids are stored (and streams named) in lower case. */
class LowerCaseUuidPipe extends ParseUUIDPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<string> {
    // Required path parameters: never null or undefined here.
    return String(await super.transform(value, metadata)).toLowerCase();
  }
}

const invalidRequest = (details: FieldProblem[]) =>
  new ApiError(400, 'validation_failed', 'The request is invalid.', details);

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
