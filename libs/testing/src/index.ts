export { testDatabaseUrl, createTestDatabase, TestDatabase } from './test-database';
export { testKafkaBrokers, uniqueName, waitFor } from './test-kafka';
