export { Projection } from './projection';
export { Reaction, reactionProjection, UnreadableEventError } from './reaction';
export {
  AsyncProjectionRunner,
  AsyncProjectionRunnerOptions,
  RebuildProgress,
  ReadModelStatus,
} from './async-projection-runner';
export { CreateProjectionTables1730000000300, PROJECTION_MIGRATIONS } from './migrations';
