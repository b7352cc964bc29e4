import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { appIsBuilt } from './static-app';

export const APP_DIRECTORY_TOKEN = Symbol('APP_DIRECTORY');

/**
 * The host's own health: it is ready when it can serve the built app. The four services' health is theirs
 * (`/api/<service>/health`, shown on the app's health page): one of them down leaves the console up to say so.
 */
@Controller('health')
export class HealthController {
  constructor(@Inject(APP_DIRECTORY_TOKEN) private readonly appDirectory: string) {}

  @Get()
  readiness(@Res({ passthrough: true }) reply: FastifyReply) {
    const built = appIsBuilt(this.appDirectory);
    reply.status(built ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      service: 'console',
      status: built ? 'ready' : 'not-ready',
      checks: { app: built ? { status: 'up' } : { status: 'down', error: 'the app is not built: run npm run build' } },
    };
  }

  @Get('live')
  liveness() {
    return { service: 'console', status: 'alive' };
  }
}
