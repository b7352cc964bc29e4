import { fold } from '@smi/decider';
import { decideServiceRequest, deviceDecider, respond, ServiceRequestRefused } from '.';
import { A1, B1, DEVICE, historyAt, preNotify, update } from './test-support/device-fixtures';

describe('responses', () => {
  it('answers I0 with no event when nothing changes', () => {
    const command = update(A1, { esmeVariant: 'A' });
    const { response, events } = decideServiceRequest(command, fold(deviceDecider, historyAt('Commissioned')));
    expect(events).toEqual([]);
    expect(response).toEqual({ requestId: command.requestId, serviceReference: '8.4', responseCode: 'I0', message: expect.stringMatching(/no change/) });
  });

  it('answers a refusal with its code and reason', () => {
    const command = update(B1, { esmeVariant: 'B' });
    const { response, events } = decideServiceRequest(command, fold(deviceDecider, historyAt('Commissioned')));
    expect(response).toEqual({ requestId: command.requestId, serviceReference: '8.4', responseCode: 'E4', message: (events[0] as ServiceRequestRefused).reason });
  });

  it('answers SR12.2 with its reference and canonical RequestID', () => {
    const command = { ...preNotify(A1), requestId: `${A1.userId.toLowerCase()}:${DEVICE}:007` };
    expect(decideServiceRequest(command, deviceDecider.initialState()).response).toMatchObject({
      requestId: `${A1.userId}:${DEVICE}:7`,
      serviceReference: '12.2',
      responseCode: 'I0',
    });
  });

  it('derives the response from events alone', () => {
    const command = update(A1, { esmeVariant: 'B' });
    expect(respond(command, []).responseCode).toBe('I0');
  });
});
