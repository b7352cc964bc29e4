export { testDatabaseUrl, createTestDatabase, TestDatabase } from './test-database';
export { testKafkaBrokers, uniqueName, waitFor } from './test-kafka';
export { givenEvents, GivenEvent, ProjectedRow } from './projection-given-events';
