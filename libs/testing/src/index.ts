export { testDatabaseUrl, createTestDatabase, TestDatabase } from './test-database';
export { testKafkaBrokers, uniqueName, waitFor } from './test-kafka';
export { givenEvents, GivenEvent, ProjectedRow } from './projection-given-events';
export { zipArchive, xlsxArchive, xlsxBombs, ZipEntry } from './zip-archive';
export { startNestTestApp, NestTestApp } from './nest-test-app';
export { mintTestToken, TestTokenClaims, TokenSettings } from './test-token';
export { WebhookReceiver, ReceivedWebhook, ReceiverBehaviour, closedPort } from './webhook-receiver';
export { jsonCall } from './json-call';
