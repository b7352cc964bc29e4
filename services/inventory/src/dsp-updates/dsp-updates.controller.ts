import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor } from '@smi/auth';
import { CorrelationId } from '@smi/service-runtime';
import { PartyType, Sender } from '../device-aggregate';
import { requireDeviceId } from '../request-validation/validators';
import { statusCommand, supplierChangeCommand } from './dsp-update-input';
import { DspUpdateView, StatusUpdateDto, SupplierChangeDto } from './dsp-updates.dto';
import { DspUpdatesHandler } from './dsp-updates.handler';

const DEVICE_ID_PARAM = ApiParam({ name: 'deviceId', example: '00-DB-12-34-56-78-90-A0' });

/**
 * DSP status and supplier updates: lifecycle facts the DSP integration tells us (party type `dsp` only), the
 * HTTP twin of `inventory.device-reports`. An update the rules refuse records nothing and answers with an
 * error; one that repeats the state a device already has is accepted and records nothing.
 */
@ApiTags('dsp-updates')
@Controller('devices')
@Authorize({ partyTypes: ['dsp'] })
export class DspUpdatesController {
  constructor(private readonly handler: DspUpdatesHandler) {}

  @Post(':deviceId/status')
  @HttpCode(200)
  @DEVICE_ID_PARAM
  @ApiOperation({ summary: "Report a change of the device's SMI status (only moves in the status transition table are accepted)" })
  @ApiOkResponse({ type: DspUpdateView })
  @ApiBadRequestResponse({ description: 'Malformed body: `{errors: [{field, reason}]}`.' })
  @ApiNotFoundResponse({ description: 'DEVICE_NOT_FOUND: the device is not in the SMI.' })
  @ApiUnprocessableEntityResponse({ description: 'TRANSITION_NOT_ALLOWED: the move is not in the table; `details: {from, to}`.' })
  updateStatus(
    @Param('deviceId') deviceId: string,
    @Body() body: StatusUpdateDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ): Promise<DspUpdateView> {
    const command = statusCommand(requireDeviceId(deviceId), body, body.reportId ?? correlationId, senderOf(actor), new Date().toISOString());
    return this.handler.update(command, correlationId);
  }

  @Post(':deviceId/responsible-supplier')
  @HttpCode(200)
  @DEVICE_ID_PARAM
  @ApiOperation({ summary: 'Report a Change of Supplier: the gaining supplier becomes the Responsible Supplier' })
  @ApiOkResponse({ type: DspUpdateView })
  @ApiBadRequestResponse({ description: 'Malformed body: `{errors: [{field, reason}]}`.' })
  @ApiNotFoundResponse({ description: 'DEVICE_NOT_FOUND: the device is not in the SMI.' })
  @ApiConflictResponse({ description: 'STATUS_INCOMPATIBLE: a Decommissioned or Withdrawn device cannot change supplier.' })
  changeSupplier(
    @Param('deviceId') deviceId: string,
    @Body() body: SupplierChangeDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ): Promise<DspUpdateView> {
    const command = supplierChangeCommand(requireDeviceId(deviceId), body, body.reportId ?? correlationId, senderOf(actor), new Date().toISOString());
    return this.handler.update(command, correlationId);
  }
}

function senderOf(actor: Actor): Sender {
  return { userId: actor.userId, partyId: actor.partyId, partyType: actor.partyType as PartyType, roles: [...actor.roles] };
}
