import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import { DomainError } from '@smi/decider';
import { ConcurrencyError } from '@smi/event-store';
import { FastifyReply } from 'fastify';

/**
 * Business-rule refusals are DomainErrors with a stable code; the code's shape decides the HTTP status
 * so every service answers the same way: *_NOT_FOUND 404, *_EXISTS / *_CONFLICT / *_INCOMPATIBLE 409,
 * FORBIDDEN* 403, MALFORMED* / INVALID_* 400, any other rule 422.
 */
export function httpStatusForDomainError(code: string): number {
  if (/NOT_FOUND$/.test(code)) return HttpStatus.NOT_FOUND;
  if (/(EXISTS|CONFLICT|INCOMPATIBLE)$/.test(code)) return HttpStatus.CONFLICT;
  if (/^FORBIDDEN/.test(code)) return HttpStatus.FORBIDDEN;
  if (/^(MALFORMED|INVALID_)/.test(code)) return HttpStatus.BAD_REQUEST;
  return HttpStatus.UNPROCESSABLE_ENTITY;
}

@Catch(DomainError, ConcurrencyError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: DomainError | ConcurrencyError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof ConcurrencyError) {
      // Reached only after the handler's own retries were used up: the stream is being changed hard.
      reply.status(HttpStatus.CONFLICT).send({ statusCode: 409, error: 'Conflict', code: 'CONCURRENT_MODIFICATION', message: error.message });
      return;
    }
    const status = httpStatusForDomainError(error.code);
    reply.status(status).send({ statusCode: status, error: HttpStatus[status] ?? 'Error', code: error.code, message: error.message, details: error.details });
  }
}
