import { BadRequestException } from '@nestjs/common';
import { FieldError, fieldErrors } from '@smi/service-runtime';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidateBy, ValidationOptions, buildMessage, validateSync } from 'class-validator';
import { parseDeviceId, parseEui64, parseRequestId } from '../device-aggregate';

/*
 * Field checks shared by the HTTP bodies and the Kafka messages, so both channels accept exactly the same
 * requests and name the same fields when they do not.
 */

export function IsEui64(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEui64',
      validator: {
        validate: (value) => parseEui64(value) !== undefined,
        defaultMessage: buildMessage((each) => `${each}$property must be an EUI-64: 16 hex digits, optionally as 8 pairs joined by "-"`, options),
      },
    },
    options,
  );
}

export function IsServiceRequestId(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isServiceRequestId',
      validator: {
        validate: (value) => parseRequestId(value) !== undefined,
        defaultMessage: buildMessage((each) => `${each}$property must be originatorEUI64:targetEUI64:counter (counter decimal, below 2^64)`, options),
      },
    },
    options,
  );
}

export function IsHex(digits: number, options?: ValidationOptions): PropertyDecorator {
  const pattern = new RegExp(`^[0-9A-Fa-f]{${digits}}$`);
  return ValidateBy(
    {
      name: `isHex${digits}`,
      validator: {
        validate: (value) => typeof value === 'string' && pattern.test(value),
        defaultMessage: buildMessage((each) => `${each}$property must be ${digits} hex digits`, options),
      },
    },
    options,
  );
}

/** A calendar date, YYYY-MM-DD, that exists (no 30 February). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
        defaultMessage: buildMessage((each) => `${each}$property must be a date YYYY-MM-DD`, options),
      },
    },
    options,
  );
}

/** Validates a plain object against a DTO class with the HTTP pipe's rules (unknown fields refused). */
export function validatePlain<T extends object>(cls: ClassConstructor<T>, raw: unknown): { value: T; errors: FieldError[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { value: undefined as unknown as T, errors: [{ field: '', reason: 'the message must be a JSON object' }] };
  }
  const value = plainToInstance(cls, raw);
  const errors = fieldErrors(validateSync(value, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: false }));
  return { value, errors };
}

/** The same 400 body as the global validation pipe, for checks that need more than the body (the caller). */
export function validationFailed(errors: FieldError[]): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'request validation failed', errors });
}

/** The Device ID of a URL path, canonical, or the 400 a malformed one gets. */
export function requireDeviceId(raw: string): string {
  const deviceId = parseDeviceId(raw);
  if (deviceId === undefined) throw validationFailed([{ field: 'deviceId', reason: 'deviceId must be an EUI-64: 16 hex digits, optionally as 8 pairs joined by "-"' }]);
  return deviceId;
}


