import { DynamicModule, Module } from '@nestjs/common';
import { APP_DIRECTORY_TOKEN, HealthController } from './health.controller';

/** The host's Nest side is its health only; the app and the forwarding are Fastify plugins (main.ts). */
@Module({})
export class AppModule {
  static register(appDirectory: string): DynamicModule {
    return { module: AppModule, controllers: [HealthController], providers: [{ provide: APP_DIRECTORY_TOKEN, useValue: appDirectory }] };
  }
}
