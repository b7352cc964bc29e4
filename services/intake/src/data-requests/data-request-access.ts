import type { PartyType } from '@smi/auth';

/** DCC issues requests. */
export const DATA_REQUEST_ISSUER_PARTY_TYPES: PartyType[] = ['dcc'];
/** DCC and SECAS (who chases) see every request and the list of providers who did not supply. */
export const DATA_REQUEST_OVERSEER_PARTY_TYPES: PartyType[] = ['dcc', 'secas'];
/** Overseers, plus the providers asked for data, who see their own requests. */
export const DATA_REQUEST_READER_PARTY_TYPES: PartyType[] = ['dcc', 'secas', 'manufacturer', 'csp'];

export interface DataRequestReader {
  partyId: string;
  partyType: string;
}

export function seesAllDataRequests(reader: DataRequestReader): boolean {
  return (DATA_REQUEST_OVERSEER_PARTY_TYPES as string[]).includes(reader.partyType);
}

export function canReadDataRequest(reader: DataRequestReader, request: { providerPartyId: string }): boolean {
  return seesAllDataRequests(reader) || ((DATA_REQUEST_READER_PARTY_TYPES as string[]).includes(reader.partyType) && reader.partyId === request.providerPartyId);
}
