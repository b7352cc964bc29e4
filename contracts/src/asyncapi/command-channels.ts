import { INVENTORY_MESSAGE_SCHEMAS } from '../events/inventory-events';
import { ExtraChannel } from './build-asyncapi';

/**
 * Channels for commands and responses rather than events, with the message schemas their owners
 * publish in contracts/events/<service>/messages/.
 */
export const COMMAND_CHANNELS: Record<string, ExtraChannel> = {
  inventoryServiceRequests: {
    address: 'inventory.service-requests',
    description:
      'Service Requests (SR12.2 pre-notification, SR8.4 Update Inventory) relayed by a gateway that has already authenticated the sender, keyed by Device ID. The message names the sender.',
    messages: { ServiceRequest: { payload: INVENTORY_MESSAGE_SCHEMAS['inventory.service-requests'], description: 'An SR12.2 or SR8.4 with its RequestID and sender' } },
    sentBy: 'DSP-style integrations',
    receivedBy: 'inventory',
  },
  inventoryServiceResponses: {
    address: 'inventory.service-responses',
    description:
      'One response per Service Request received over Kafka, keyed by RequestID, the same JSON as the HTTP response. A repeated RequestID gets the first response again.',
    messages: { ServiceResponse: { payload: INVENTORY_MESSAGE_SCHEMAS['inventory.service-responses'], description: 'Response code (I0, E2, E4, E5, E11, E19 …) and message' } },
    sentBy: 'inventory (through its outbox)',
    receivedBy: 'DSP-style integrations',
  },
  inventoryDeviceReports: {
    address: 'inventory.device-reports',
    description: 'Lifecycle status changes and Changes of Supplier reported by the DSP, keyed by Device ID. No response; refused reports go to the .dlq topic with the reason.',
    messages: { DeviceReport: { payload: INVENTORY_MESSAGE_SCHEMAS['inventory.device-reports'], description: 'A status change or a Change of Supplier' } },
    sentBy: 'the DSP',
    receivedBy: 'inventory',
  },
};
