import { buildAsyncApi, ExtraChannel } from './build-asyncapi';
import { COMMAND_CHANNELS } from './command-channels';

export const ASYNCAPI_PATH = 'asyncapi.yaml';

export function asyncApiDocument(): Record<string, unknown> {
  return buildAsyncApi(COMMAND_CHANNELS as Record<string, ExtraChannel>);
}
