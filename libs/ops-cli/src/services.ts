/** The four services, in the order the CLI lists them (and breaks ties in a trace). */
export const SERVICE_NAMES = ['intake', 'verification', 'publication', 'inventory'] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/** `npm start`'s ports (scripts/services.js). */
export const DEFAULT_URLS: Record<ServiceName, string> = {
  intake: 'http://127.0.0.1:3001',
  verification: 'http://127.0.0.1:3002',
  publication: 'http://127.0.0.1:3003',
  inventory: 'http://127.0.0.1:3004',
};

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}

/** `SMI_INVENTORY_URL` for inventory. */
export function urlVariable(service: ServiceName): string {
  return `SMI_${service.toUpperCase()}_URL`;
}
