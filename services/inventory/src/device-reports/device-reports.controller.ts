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
import { requireDeviceId } from '../devices/devices.queries';
import { DeviceReportView, ReportStatusDto, ReportSupplierChangeDto } from './device-reports.dto';
import { DeviceReportsHandler } from './device-reports.handler';
import { statusCommand, supplierChangeCommand } from './device-report-input';
import { Sender } from '../device/device.decider';
import { PartyType } from '../device/identifiers';

const DEVICE_ID_PARAM = ApiParam({ name: 'deviceId', example: '00-DB-12-34-56-78-90-A0' });

/**
 * Lifecycle facts the DSP integration reports (party type `dsp` only). A report the rules refuse records
 * nothing and answers with an error; reporting the state a device already has is accepted and records nothing.
 */
@ApiTags('device-reports')
@Controller('devices')
@Authorize({ partyTypes: ['dsp'] })
export class DeviceReportsController {
  constructor(private readonly handler: DeviceReportsHandler) {}

  @Post(':deviceId/status')
  @HttpCode(200)
  @DEVICE_ID_PARAM
  @ApiOperation({ summary: "Report a change of the device's SMI status (only moves in the status transition table are accepted)" })
  @ApiOkResponse({ type: DeviceReportView })
  @ApiBadRequestResponse({ description: 'Malformed body: `{errors: [{field, reason}]}`.' })
  @ApiNotFoundResponse({ description: 'DEVICE_NOT_FOUND: the device is not in the SMI.' })
  @ApiUnprocessableEntityResponse({ description: 'TRANSITION_NOT_ALLOWED: the move is not in the table; `details: {from, to}`.' })
  reportStatus(
    @Param('deviceId') deviceId: string,
    @Body() body: ReportStatusDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ): Promise<DeviceReportView> {
    const command = statusCommand(requireDeviceId(deviceId), body, body.reportId ?? correlationId, senderOf(actor), new Date().toISOString());
    return this.handler.report(command, correlationId);
  }

  @Post(':deviceId/responsible-supplier')
  @HttpCode(200)
  @DEVICE_ID_PARAM
  @ApiOperation({ summary: 'Report a Change of Supplier: the gaining supplier becomes the Responsible Supplier' })
  @ApiOkResponse({ type: DeviceReportView })
  @ApiBadRequestResponse({ description: 'Malformed body: `{errors: [{field, reason}]}`.' })
  @ApiNotFoundResponse({ description: 'DEVICE_NOT_FOUND: the device is not in the SMI.' })
  @ApiConflictResponse({ description: 'STATUS_INCOMPATIBLE: a Decommissioned or Withdrawn device cannot change supplier.' })
  reportSupplierChange(
    @Param('deviceId') deviceId: string,
    @Body() body: ReportSupplierChangeDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ): Promise<DeviceReportView> {
    const command = supplierChangeCommand(requireDeviceId(deviceId), body, body.reportId ?? correlationId, senderOf(actor), new Date().toISOString());
    return this.handler.report(command, correlationId);
  }
}

function senderOf(actor: Actor): Sender {
  return { userId: actor.userId, partyId: actor.partyId, partyType: actor.partyType as PartyType, roles: [...actor.roles] };
}
