import { EsmeVariantCheckRequiredData } from '@smi/contracts';
import { WebhookCatalogue } from '@smi/webhooks';

/**
 * The webhooks the inventory offers (docs/adr/0009-webhooks.md): the ESME Variant check a Change of Supplier leaves
 * due (docs/domain.md, SECMP0125 §5.6), told to the gaining supplier alone. The message carries only what that
 * supplier reads of its own device in `GET /devices/{id}`: never the losing supplier, the DSP's request or its user.
 */
export const INVENTORY_WEBHOOKS: WebhookCatalogue = {
  service: 'inventory',
  events: [
    {
      name: 'variant-check.due',
      description: 'A Change of Supplier left the ESME Variant of one of your ESMEs to check by an SR8.4 (EsmeVariantCheckRequired)',
      partyTypes: ['supplier'],
      eventTypes: ['EsmeVariantCheckRequired'],
      message: (event) => {
        const { deviceId, gainingSupplier, esmeVariant, effectiveFrom } = event.data as EsmeVariantCheckRequiredData;
        return { onlyParty: gainingSupplier, subject: deviceId, data: { deviceId, esmeVariant, responsibleFrom: effectiveFrom, checkBy: 'SR8.4' } };
      },
    },
  ],
};
