import {
  BadRequestException,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Inject,
  Logger,
  NotFoundException,
  Param,
  Post,
  Query,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor } from '@smi/auth';
import { DeadLetterAlreadyReplayedError, DeadLetterNotFoundError, DeadLetterNotReplayableError, DeadLetterStore } from '@smi/consumer';
import type { MessageProducer } from '@smi/kafka';
import { ConsumerPlatform } from './consumer-host';
import { MESSAGE_PRODUCER, SERVICE_NAME } from './tokens';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/**
 * What DCC operators need about this service's Kafka consumers: the dead letters they recorded (and their replay)
 * and how far each consumer group is behind. Reading needs the DCC party; replaying also needs `operator`.
 */
@ApiTags('operations')
@Controller('ops')
export class ConsumerOperationsController {
  private readonly logger = new Logger('ConsumerOperations');
  private readonly deadLetters: DeadLetterStore;

  constructor(
    private readonly platform: ConsumerPlatform,
    @Inject(MESSAGE_PRODUCER) private readonly producer: MessageProducer,
    @Inject(SERVICE_NAME) private readonly serviceName: string,
  ) {
    this.deadLetters = new DeadLetterStore(platform.dataSource);
  }

  @Get('dead-letters')
  @Authorize({ partyTypes: ['dcc'] })
  @ApiOperation({ summary: "Messages this service's consumers could not apply, newest first, with whether and when they were replayed" })
  @ApiQuery({ name: 'limit', required: false, example: '100', description: `At most this many (1-${MAX_LIMIT}, default ${DEFAULT_LIMIT})` })
  @ApiQuery({ name: 'pending', required: false, example: 'true', description: 'true: only those not replayed yet' })
  async list(@Query('limit') limit?: string, @Query('pending') pending?: string) {
    const deadLetters = await this.deadLetters.list({ limit: parseLimit(limit), pendingOnly: parsePending(pending) });
    return { service: this.serviceName, deadLetters };
  }

  @Get('dead-letters/:id')
  @Authorize({ partyTypes: ['dcc'] })
  @ApiOperation({ summary: 'One dead letter with its message (key, value, headers as received) and error' })
  @ApiParam({ name: 'id', example: '17', description: 'A dead letter id from GET /ops/dead-letters' })
  async show(@Param('id') id: string) {
    try {
      return await this.deadLetters.show(parseId(id));
    } catch (error) {
      throw httpError(error);
    }
  }

  @Post('dead-letters/:id/replay')
  @HttpCode(200)
  @Authorize({ partyTypes: ['dcc'], roles: ['operator'] })
  @ApiOperation({ summary: 'Produce the message back to its source topic with its key and headers; refused (409) once replayed' })
  @ApiParam({ name: 'id', example: '17', description: 'A dead letter id from GET /ops/dead-letters' })
  async replay(@Param('id') id: string, @CurrentActor() actor: Actor) {
    const deadLetterId = parseId(id);
    try {
      const replayed = await this.deadLetters.replay(deadLetterId, actor, this.producer);
      // An operator action that puts a message back in front of a consumer: worth an audit line of its own.
      this.logger.log({
        msg: 'dead letter replayed',
        deadLetter: deadLetterId,
        consumer: replayed.consumer,
        topic: replayed.topic,
        sourcePartition: replayed.partition,
        sourceOffset: replayed.offset,
        messageId: replayed.messageId,
        actor: { userId: actor.userId, partyId: actor.partyId, roles: actor.roles },
      });
      return replayed;
    } catch (error) {
      throw httpError(error);
    }
  }

  @Get('consumers')
  @Authorize({ partyTypes: ['dcc'] })
  @ApiOperation({ summary: "This service's consumer groups: committed offset, high watermark and lag per topic partition" })
  async consumers() {
    const groups = this.platform.hostedGroups();
    try {
      const lags = await Promise.all(groups.map((group) => this.platform.kafka.consumerGroupLag(group.groupId, group.topics)));
      return {
        service: this.serviceName,
        groups: groups.map((group, i) => ({
          consumer: group.consumer,
          groupId: group.groupId,
          lag: lags[i].reduce((sum, p) => sum + BigInt(p.lag), 0n).toString(),
          partitions: lags[i],
        })),
      };
    } catch (error) {
      throw new ServiceUnavailableException(`Kafka did not answer: ${(error as Error).message}`);
    }
  }
}

function parseId(id: string): string {
  // The table's ids are bigserial: anything else cannot name a row, and would be a 500 from PostgreSQL.
  if (!/^[1-9][0-9]{0,17}$/.test(id)) throw fieldError('id', 'must be a positive integer (a dead letter id from the list)');
  return id;
}

function parseLimit(limit: string | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  const n = /^[0-9]{1,4}$/.test(limit) ? Number(limit) : NaN;
  if (!(n >= 1 && n <= MAX_LIMIT)) throw fieldError('limit', `must be an integer from 1 to ${MAX_LIMIT}`);
  return n;
}

function parsePending(pending: string | undefined): boolean {
  if (pending === undefined || pending === 'false') return false;
  if (pending === 'true') return true;
  throw fieldError('pending', 'must be true or false');
}

function fieldError(field: string, reason: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `${field} ${reason}`, errors: [{ field, reason }] });
}

function httpError(error: unknown): unknown {
  if (error instanceof DeadLetterNotFoundError) return new NotFoundException(error.message);
  if (error instanceof DeadLetterAlreadyReplayedError) return new ConflictException(error.message);
  if (error instanceof DeadLetterNotReplayableError) return new UnprocessableEntityException(error.message);
  return error;
}
