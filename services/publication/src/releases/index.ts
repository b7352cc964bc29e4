export { ReleasesModule } from './releases.module';
export { Clock, SYSTEM_CLOCK } from './releases-options';
export { CreateReleases1736000000000 } from './releases.migration';
