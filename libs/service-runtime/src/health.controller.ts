import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@smi/auth';
import { KafkaClient } from '@smi/kafka';
import { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { KAFKA_CLIENT, SERVICE_NAME } from './tokens';

type CheckResult = { status: 'up' } | { status: 'down'; error: string };

const CHECK_TIMEOUT_MS = 3000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(KAFKA_CLIENT) private readonly kafka: KafkaClient,
    @Inject(SERVICE_NAME) private readonly serviceName: string,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Readiness: the service can reach its database and Kafka' })
  @ApiResponse({ status: 200, description: 'ready' })
  @ApiResponse({ status: 503, description: 'a dependency is unreachable' })
  async readiness(@Res({ passthrough: true }) reply: FastifyReply) {
    const [database, kafka] = await Promise.all([
      check(() => this.dataSource.query('SELECT 1')),
      check(() => this.kafka.describeCluster()),
    ]);
    const ready = database.status === 'up' && kafka.status === 'up';
    reply.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { service: this.serviceName, status: ready ? 'ready' : 'not-ready', checks: { database, kafka } };
  }

  @Public()
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP' })
  liveness() {
    return { service: this.serviceName, status: 'alive' };
  }
}

async function check(probe: () => Promise<unknown>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
