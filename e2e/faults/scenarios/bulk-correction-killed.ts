import { Scenario } from '../figures';

export const bulkCorrectionKilled: Scenario = {
  name: 'bulk-correction-killed',
  async run() {
    throw new Error('not written yet');
  },
};
