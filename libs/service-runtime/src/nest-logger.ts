import { Logger as NestLogger } from '@nestjs/common';
import type { Logger } from '@smi/telemetry';

/** The libs' Logger, written through Nest's (and so pino's) logger under `context`, with the service's fields. */
export function nestLogger(context: string): Logger {
  const nest = new NestLogger(context);
  return {
    info: (message, fields) => nest.log({ msg: message, ...fields }),
    warn: (message, fields) => nest.warn({ msg: message, ...fields }),
    error: (message, fields) => nest.error({ msg: message, ...fields }),
  };
}
