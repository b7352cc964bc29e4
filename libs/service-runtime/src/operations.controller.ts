import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@smi/auth';
import { PostgresEventStore, RecordedEvent } from '@smi/event-store';
import { NoEventAtPositionError } from '@smi/outbox-relay';
import { Matches, ValidateBy } from 'class-validator';
import { instantProblem } from './strict-values';
import { PlatformLifecycle } from './platform-lifecycle';
import { EVENT_STORE } from './tokens';

const MAX_BIGINT = 2n ** 63n - 1n;

export class RewindRelayDto {
  @ApiProperty({ example: '1200', description: 'Global position of the first event to publish again' })
  @Matches(/^[1-9][0-9]{0,18}$/, { message: 'fromPosition must be a positive integer' })
  // Positions are PostgreSQL bigints: nineteen digits can still be past the largest one.
  @ValidateBy({ name: 'isBigint', validator: { validate: (value: unknown) => typeof value !== 'string' || !/^[0-9]+$/.test(value) || BigInt(value) <= MAX_BIGINT, defaultMessage: () => `fromPosition must not be greater than ${MAX_BIGINT}` } })
  fromPosition!: string;
}

function present(event: RecordedEvent) {
  return {
    position: event.position,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    recordedAt: event.recordedAt.toISOString(),
    data: event.data,
    metadata: event.metadata,
  };
}

/**
 * What DCC operators need on every service: the full history of a stream (optionally as of a time),
 * every event of one request, and control over re-publication. Read-only parts need the DCC party;
 * re-publishing also needs the `operator` role.
 */
@ApiTags('operations')
@Controller()
export class OperationsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    private readonly platform: PlatformLifecycle,
  ) {}

  @Get('audit/streams/:streamId')
  @Authorize({ partyTypes: ['dcc'] })
  @ApiOperation({ summary: "A stream's events with their metadata (actor, correlation, causation, trace), optionally as of a time" })
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 instant; only events recorded up to it' })
  async streamHistory(@Param('streamId') streamId: string, @Query('asOf') asOf?: string) {
    const at = parseInstant(asOf);
    const events = await this.store.readStream(streamId, { asOf: at });
    return { streamId, asOf: at?.toISOString() ?? null, version: events.length ? events[events.length - 1].streamVersion : 0, events: events.map(present) };
  }

  @Get('audit/correlations/:correlationId')
  @Authorize({ partyTypes: ['dcc'] })
  @ApiOperation({ summary: 'Every event recorded for one request id or Service Request RequestID, across streams' })
  async byCorrelation(@Param('correlationId') correlationId: string) {
    const events = await this.store.readByCorrelationId(correlationId);
    return { correlationId, events: events.map(present) };
  }

  @Get('ops/relay')
  @Authorize({ partyTypes: ['dcc'] })
  @ApiOperation({ summary: 'Outbox relay status on this instance and the backlog of unpublished events' })
  async relayStatus() {
    return this.platform.relayReport();
  }

  @Get('ops/projections')
  @Authorize({ partyTypes: ['dcc'] })
  @ApiOperation({ summary: 'Async read models: active table, checkpoint, lag, rebuild in progress' })
  async projections() {
    return this.platform.projectionStatus();
  }

  @Post('ops/projections/:name/rebuild')
  @HttpCode(202)
  @Authorize({ partyTypes: ['dcc'], roles: ['operator'] })
  @ApiOperation({ summary: 'Rebuild a read model from position 0 into a new table beside the live one; reads switch when it has caught up' })
  async rebuild(@Param('name') name: string) {
    return { rebuilding: await this.platform.startProjectionRebuild(name) };
  }

  @Get('ops/projections/:name/rebuild')
  @Authorize({ partyTypes: ['dcc'] })
  @ApiOperation({ summary: 'Progress of a read model rebuild' })
  async rebuildProgress(@Param('name') name: string) {
    return this.platform.projectionRebuildProgress(name);
  }

  @Post('ops/relay/rewind')
  @HttpCode(202)
  @Authorize({ partyTypes: ['dcc'], roles: ['operator'] })
  @ApiOperation({ summary: 'Re-publish every event from a global position on, in commit order (consumers drop repeats)' })
  async rewind(@Body() body: RewindRelayDto) {
    try {
      return { rewoundTo: await this.platform.rewindRelay(body.fromPosition) };
    } catch (error) {
      if (!(error instanceof NoEventAtPositionError)) throw error;
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: error.message, errors: [{ field: 'fromPosition', reason: error.message }] });
    }
  }
}

function parseInstant(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const problem = instantProblem(value);
  if (problem) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `asOf ${problem}`, errors: [{ field: 'asOf', reason: problem }] });
  return new Date(value);
}
