import { Decider, DomainError } from '@smi/decider';
import { DeviceCommand } from './device-commands';
import { DEVICE_ERRORS } from './device-errors';
import { DeviceEvent } from './device-events';
import { evolve } from './device-evolve';
import { DeviceRuleOptions, changeStatus, changeSupplier, preNotify, updateInventory } from './device-rules';
import { DeviceState } from './device-state';

/*
 * The device aggregate as one Decider, stream `device-<Device ID>`: state (device-state.ts), commands
 * (device-commands.ts), events (device-events.ts), the rules that decide (device-rules.ts) and how events
 * change state (device-evolve.ts). Answers to Service Requests are in device-answers.ts.
 */

export type DeviceDecider = Decider<DeviceCommand, DeviceState, DeviceEvent>;

const DEFAULT_OPTIONS: DeviceRuleOptions = { type2InitialStatus: 'Pending' };

export function createDeviceDecider(options: Partial<DeviceRuleOptions> = {}): DeviceDecider {
  const settings: DeviceRuleOptions = { ...DEFAULT_OPTIONS, ...options };
  return {
    initialState: () => ({ kind: 'not-in-smi' }),
    evolve,
    decide: (command, state) => {
      switch (command.type) {
        case 'PreNotifyDevice':
          return preNotify(command, state, settings);
        case 'UpdateInventory':
          return updateInventory(command, state);
        case 'ChangeDeviceStatus':
          return changeStatus(command, state);
        case 'ChangeResponsibleSupplier':
          return changeSupplier(command, state);
        default:
          throw new DomainError(DEVICE_ERRORS.MALFORMED, `unknown command ${String((command as { type?: unknown }).type)}`);
      }
    },
  };
}

/** The decider with the default options; folding history needs no options, as they change no `evolve`. */
export const deviceDecider = createDeviceDecider();
