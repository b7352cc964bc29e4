export { loadConfig, loadConfigOrExit, InvalidSettingError } from './load-config';
export { CommonSettings, serviceDatabaseUrl } from './common-settings';
