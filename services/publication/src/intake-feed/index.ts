export { INTAKE_COPIED_EVENT_TYPES, intakeCopyStreamId, isIntakeCopy } from './intake-streams';
export { IntakeFeedModule } from './intake-feed.module';
