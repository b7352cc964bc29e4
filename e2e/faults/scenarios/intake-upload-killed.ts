import { Scenario } from '../figures';

export const intakeUploadKilled: Scenario = {
  name: 'intake-upload-killed',
  async run() {
    throw new Error('not written yet');
  },
};
