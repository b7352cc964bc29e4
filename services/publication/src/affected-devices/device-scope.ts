import { ForbiddenException } from '@nestjs/common';
import { Actor } from '@smi/auth';
import { DomainError } from '@smi/decider';

/**
 * Whose devices a caller sees among the affected devices: a supplier only the devices it is Responsible Supplier
 * of now (a device that changed supplier moves with it), naming itself or nobody; DCC any one supplier's (`supplier`),
 * or every supplier's when it names none (`null`); every other party type nothing (they hold no devices, and the
 * inventory's devices are the suppliers' and DCC's to see).
 */
export function deviceScope(actor: Actor, requested: string | undefined): string | null {
  switch (actor.partyType) {
    case 'dcc':
      return requested ?? null;
    case 'supplier':
      if (requested !== undefined && requested !== actor.partyId) {
        throw new DomainError('FORBIDDEN_OTHER_SUPPLIER', "a supplier sees its own devices only: leave supplier out or name your own party", { field: 'supplier' });
      }
      return actor.partyId;
    default:
      throw new ForbiddenException(`party type ${actor.partyType} has no devices in the inventory to match`);
  }
}
