import { Scenario } from '../figures';

export const verificationConsumerKilled: Scenario = {
  name: 'verification-consumer-killed',
  async run() {
    throw new Error('not written yet');
  },
};
