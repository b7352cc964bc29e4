import { applyDecorators, Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor } from '@smi/auth';
import { CorrelationId } from '@smi/service-runtime';
import { FastifyReply } from 'fastify';
import { responseBody, Sender, ServiceRequestCommand } from '../device-aggregate';
import { validationFailed } from '../request-validation/validators';
import { httpStatusForResponseCode } from './response-http-status';
import { countServiceRequestAnswer } from './service-request-metrics';
import { preNotifyCommand, requestIdErrors, senderOf, updateInventoryCommand } from './service-request-input';
import { PreNotifyDeviceDto, ServiceResponseView, UpdateInventoryDto } from './service-requests.dto';
import { ServiceRequestsHandler } from './service-requests.handler';

/**
 * What every Service Request route shares: any authenticated sender may call (one who may not make the request is
 * answered E2 and recorded), and the answer is a Service Response whose code the HTTP status mirrors.
 */
const ServiceRequestRoute = (serviceReference: string, summary: string, answeredDescription: string) =>
  applyDecorators(
  Post(serviceReference),
  HttpCode(200),
  Authorize({}),
  ApiOperation({ summary }),
  ApiOkResponse({ type: ServiceResponseView, description: answeredDescription }),
  ApiBadRequestResponse({ description: 'Malformed request (rule 1): field errors `{errors: [{field, reason}]}`; nothing recorded.' }),
  ApiResponse({ status: 403, type: ServiceResponseView, description: 'E2 (sender is not a supplier) or E4 (not allowed for this device); recorded.' }),
  ApiNotFoundResponse({ type: ServiceResponseView, description: 'E19: the device is not in the SMI; recorded.' }),
  ApiConflictResponse({ type: ServiceResponseView, description: 'E5: the SMI status (or SMETS version) does not allow this request; recorded.' }),
  ApiResponse({ status: 422, type: ServiceResponseView, description: 'E11/E12: the request does not fit the device type; recorded.' }),
  );

/**
 * DUIS-style Service Requests over HTTP. The sender is the bearer token's user (DCC User ID = `sub`). Any
 * authenticated party may call: a sender who may not make the request is answered (E2) and the attempt is
 * recorded, as over the DSP. A RequestID answered before gets its first answer back, changing nothing.
 */
@ApiTags('service-requests')
@Controller('service-requests')
export class ServiceRequestsController {
  constructor(private readonly handler: ServiceRequestsHandler) {}

  @ServiceRequestRoute('12.2', 'SR12.2 Device Pre-notification: a supplier adds a device to the SMI (status Pending)', 'I0: pre-notified.')
  async preNotify(
    @Body() body: PreNotifyDeviceDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ServiceResponseView> {
    return this.answer(body, preNotifyCommand, actor, correlationId, reply);
  }

  @ServiceRequestRoute(
    '8.4',
    'SR8.4 Update Inventory: correct device details (SECMP0125: after Pending only the ESME Variant, by the Responsible Supplier)',
    'I0: updated, or nothing to change.',
  )
  async updateInventory(
    @Body() body: UpdateInventoryDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ServiceResponseView> {
    return this.answer(body, updateInventoryCommand, actor, correlationId, reply);
  }

  /** Checks the RequestID against the sender and the device (a mismatch records nothing), then decides the request. */
  private async answer<Dto extends { requestId: string; deviceId: string }>(
    body: Dto,
    commandOf: (dto: Dto, sender: Sender, at: string) => ServiceRequestCommand,
    actor: Actor,
    correlationId: string,
    reply: FastifyReply,
  ): Promise<ServiceResponseView> {
    const errors = requestIdErrors(body, actor.userId);
    if (errors.length > 0) throw validationFailed(errors);
    const command = commandOf(body, senderOf(actor), new Date().toISOString());
    const { answer, repeated } = await this.handler.submit(command, correlationId);
    countServiceRequestAnswer(answer.serviceReference, answer.responseCode, 'http');
    reply.status(httpStatusForResponseCode(answer.responseCode));
    // Tells a client its retry was recognised and answered from the record, not decided again.
    if (repeated) reply.header('idempotent-replayed', 'true');
    return responseBody(answer);
  }
}
