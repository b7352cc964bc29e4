import { NonSupplierData, PeriodSubmissionsData } from '@smi/contracts';
import { EntityManager } from 'typeorm';

/** A period of calendar days in England, both ends included. */
export interface Period {
  from: string;
  to: string;
}

/**
 * The manufacturers and CSPs that did not supply data for a period, as intake's rule for a release's cover
 * sheet has it (intake's `nonSuppliers`): a data request whose agreed delivery date falls in the period and that
 * no submission has fulfilled, overdue or still open. A late delivery counts as supplied. In provider order, each
 * provider's requests in the order they were issued.
 */
export async function nonSuppliersIn(manager: EntityManager, period: Period): Promise<NonSupplierData[]> {
  const rows: Array<{
    request_id: string;
    provider_party_id: string;
    provider_party_type: string;
    agreed_delivery_date: string;
    status: 'open' | 'overdue';
    overdue_since: string | null;
    name: string | null;
  }> = await manager.query(
    // `date` columns as text: node-postgres would read them as local-midnight Date objects.
    `SELECT r.request_id, r.provider_party_id, r.provider_party_type, r.agreed_delivery_date::text AS agreed_delivery_date, r.status,
            r.overdue_since::text AS overdue_since, p.name
       FROM data_requests r LEFT JOIN parties p ON p.party_id = r.provider_party_id
      WHERE r.agreed_delivery_date BETWEEN $1::date AND $2::date AND r.status IN ('open', 'overdue')
      ORDER BY r.provider_party_id, length(r.request_id), r.request_id`,
    [period.from, period.to],
  );
  const providers = new Map<string, NonSupplierData>();
  for (const row of rows) {
    let provider = providers.get(row.provider_party_id);
    if (!provider) {
      provider = { providerPartyId: row.provider_party_id, providerName: row.name, providerPartyType: row.provider_party_type, requests: [] };
      providers.set(row.provider_party_id, provider);
    }
    provider.requests.push({ requestId: row.request_id, agreedDeliveryDate: row.agreed_delivery_date, status: row.status, overdueSince: row.overdue_since });
  }
  return [...providers.values()];
}

/** The providers whose files intake received in the period (by the London date of receipt), with how many and their rows. */
export async function submissionsIn(manager: EntityManager, period: Period): Promise<PeriodSubmissionsData[]> {
  const rows: Array<{ provider_party_id: string; provider_party_type: string; submissions: number; rows: number; name: string | null }> = await manager.query(
    `SELECT s.provider_party_id, min(s.provider_party_type) AS provider_party_type, count(*)::int AS submissions, sum(s.rows)::int AS rows, min(p.name) AS name
       FROM submissions_received s LEFT JOIN parties p ON p.party_id = s.provider_party_id
      WHERE (s.received_at AT TIME ZONE 'Europe/London')::date BETWEEN $1::date AND $2::date
      GROUP BY s.provider_party_id
      ORDER BY s.provider_party_id`,
    [period.from, period.to],
  );
  return rows.map((row) => ({ providerPartyId: row.provider_party_id, providerName: row.name, providerPartyType: row.provider_party_type, submissions: row.submissions, rows: row.rows }));
}
