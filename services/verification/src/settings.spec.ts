import { InvalidSettingError, loadConfig } from '@smi/config';
import { VerificationSettings } from './settings';

describe('verification settings: chasing', () => {
  it('chases after 15 working days, checking every minute, unless told otherwise', () => {
    expect(loadConfig(VerificationSettings, {})).toMatchObject({ VERIFICATION_CHASE_AFTER_WORKING_DAYS: 15, VERIFICATION_CHASE_CHECK_INTERVAL_MS: 60_000 });
    expect(loadConfig(VerificationSettings, { VERIFICATION_CHASE_AFTER_WORKING_DAYS: '10', VERIFICATION_CHASE_CHECK_INTERVAL_MS: '5000' })).toMatchObject({
      VERIFICATION_CHASE_AFTER_WORKING_DAYS: 10,
      VERIFICATION_CHASE_CHECK_INTERVAL_MS: 5000,
    });
  });

  it.each([
    ['VERIFICATION_CHASE_AFTER_WORKING_DAYS', '0'],
    ['VERIFICATION_CHASE_AFTER_WORKING_DAYS', '1.5'],
    ['VERIFICATION_CHASE_AFTER_WORKING_DAYS', '261'],
    ['VERIFICATION_CHASE_AFTER_WORKING_DAYS', 'fifteen'],
    ['VERIFICATION_CHASE_CHECK_INTERVAL_MS', '99'],
    ['VERIFICATION_CHASE_CHECK_INTERVAL_MS', '86400001'],
  ])('refuses %s=%s, naming it', (setting, value) => {
    expect(() => loadConfig(VerificationSettings, { [setting]: value })).toThrow(InvalidSettingError);
    expect(() => loadConfig(VerificationSettings, { [setting]: value })).toThrow(new RegExp(`^Invalid setting ${setting}: `));
  });
});
