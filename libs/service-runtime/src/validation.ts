import { BadRequestException, ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';

export interface FieldError {
  field: string;
  reason: string;
}

/** Flattens nested class-validator errors into `field.path: reason` pairs a client can show next to inputs. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/**
 * Every request body is validated before a handler runs; unknown fields are refused rather than
 * silently dropped, so a typo in a field name is an error the client sees.
 */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) =>
      new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'request validation failed', errors: fieldErrors(errors) }),
  });
}

/** A path parameter that must be a UUID, refused like every other field: 400 naming it. */
export function uuidParam(field: string): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () =>
      new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `${field} must be a UUID`, errors: [{ field, reason: 'must be a UUID' }] }),
  });
}
