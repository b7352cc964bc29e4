import { eventSchemaErrors } from '@smi/contracts';
import { PermanentMessageError } from '@smi/consumer';
import { IncomingMessage } from '@smi/kafka';

/**
 * Parses an incoming event's data and checks it against the publisher's contract. A message that does
 * not conform can never be applied, so it is a permanent failure: it goes to the dead-letter topic
 * instead of blocking its partition.
 */
export function parseContractEvent<T>(publisher: string, message: IncomingMessage): { type: string; data: T } {
  const type = message.headers.ce_type;
  if (!type) throw new PermanentMessageError('message has no ce_type header');
  const schemaVersion = Number(message.headers.schema_version ?? '1');
  let data: unknown;
  try {
    data = JSON.parse(message.value?.toString('utf8') ?? 'null');
  } catch (error) {
    throw new PermanentMessageError(`message value is not JSON: ${(error as Error).message}`);
  }
  contractViolation(publisher, type, schemaVersion, data);
  return { type, data: data as T };
}

export function contractViolation(publisher: string, type: string, schemaVersion: number, data: unknown): void {
  const errors = eventSchemaErrors(publisher, type, schemaVersion, data);
  if (errors.length > 0) throw new PermanentMessageError(`${publisher} event ${type} v${schemaVersion} breaks its contract: ${errors.join('; ')}`);
}
