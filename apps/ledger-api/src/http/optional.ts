import { ValidateIf } from 'class-validator';

/**
 * A body field that may be left out, where @IsOptional would also wave `null` through to the
 * handler: only an absent field skips validation, so `null` is refused like any other wrong value.
 */
export const OptionalButNotNull = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);
