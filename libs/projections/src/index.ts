export { Projection } from './projection';
export {
  AsyncProjectionRunner,
  AsyncProjectionRunnerOptions,
  RebuildProgress,
  ReadModelStatus,
} from './async-projection-runner';
export { CreateProjectionTables1730000000300, PROJECTION_MIGRATIONS } from './migrations';
