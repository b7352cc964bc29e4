import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ServiceRequestAnswered, ServiceRequestCommand } from '../device-aggregate';
import { DeviceWriter } from '../device-writer/device-writer';
import { validationFailed } from '../request-validation/validators';

/** SR12.2 and SR8.4 over HTTP: one command per transaction, retried on a lost race. */
@Injectable()
export class ServiceRequestsHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: DeviceWriter,
  ) {}

  async submit(command: ServiceRequestCommand, correlationId: string): Promise<{ answer: ServiceRequestAnswered; repeated: boolean }> {
    const [result] = await this.writer.write(this.dataSource, [{ kind: 'service-request', command, channel: 'http', correlationId }]);
    if (result.kind === 'answered') return result;
    if (result.kind === 'refused') {
      // Only a request the decider cannot read gets here (the DTO checks should have caught it): rule 1.
      const field = typeof result.error.details.field === 'string' ? result.error.details.field : '';
      throw validationFailed([{ field, reason: result.error.message }]);
    }
    throw new Error(`a Service Request produced a ${result.kind} result`);
  }
}
