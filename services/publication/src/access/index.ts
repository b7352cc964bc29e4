export { AccessModule } from './access.module';
export { Audience, networkPartyAdded, READER_PARTY_TYPES, ReaderAccess } from './reader-access';
export { CreateNetworkAccessGrants1735000000000 } from './network-access.migration';
export { PARTY_ID } from './party-id.pipe';
