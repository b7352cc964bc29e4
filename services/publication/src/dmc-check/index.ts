export { DmcCheckModule } from './dmc-check.module';
