import { DataRequestOverdueData } from '@smi/contracts';
import { WebhookCatalogue } from '@smi/webhooks';

/**
 * The webhooks intake offers (docs/adr/0009-webhooks.md): a data request overdue (docs/domain.md, data requests:
 * `DataRequestOverdue` is the signal for SECAS to chase the provider), to SECAS only. DCC and SECAS see every
 * request (data-request-access.ts), so the request's dates and provider go as recorded.
 */
export const INTAKE_WEBHOOKS: WebhookCatalogue = {
  service: 'intake',
  events: [
    {
      name: 'data-request.overdue',
      description: 'A provider let a data request run past its 15 working days (DataRequestOverdue): for SECAS to chase',
      partyTypes: ['secas'],
      eventTypes: ['DataRequestOverdue'],
      message: (event) => {
        const { requestId, providerPartyId, agreedDeliveryDate, lastDeliveryDay, overdueSince, workingDaysAllowed, detectedAt } = event.data as DataRequestOverdueData;
        return { subject: requestId, data: { requestId, providerPartyId, agreedDeliveryDate, lastDeliveryDay, overdueSince, workingDaysAllowed, detectedAt } };
      },
    },
  ],
};
