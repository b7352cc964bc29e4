import { fold } from '@smi/decider';
import { decideServiceRequest, deviceDecider, respond, ServiceRequestRefused } from '.';
import { A1, A2, B1, DEVICE, historyAt, preNotify, update } from './test-support/device-fixtures';

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
    expect(response).toEqual({ requestId: command.requestId, serviceReference: '8.4', responseCode: 'E19', message: (events[0] as ServiceRequestRefused).reason });
  });

  it("tells a supplier with no part in the device nothing of it: the same answer as for a device not in the SMI", () => {
    const stranger = update(B1, { esmeVariant: 'B' });
    const existing = decideServiceRequest(stranger, fold(deviceDecider, historyAt('Pending'))).response;
    const missing = decideServiceRequest(stranger, deviceDecider.initialState()).response;
    expect(existing).toEqual(missing);
    expect(existing).toMatchObject({ responseCode: 'E19', message: 'device is not in the SMI' });
  });

  it("names no other user in an E4, and the status of an existing device only to the device's own parties", () => {
    const otherUserOfTheParty = decideServiceRequest(update(A2, { esmeVariant: 'B' }), fold(deviceDecider, historyAt('Pending'))).response;
    expect(otherUserOfTheParty).toMatchObject({ responseCode: 'E4', message: 'while Pending only the user who pre-notified the device may update it' });
    expect(otherUserOfTheParty.message).not.toContain(A1.userId);
    const commissioned = fold(deviceDecider, historyAt('Commissioned'));
    expect(decideServiceRequest(preNotify(B1), commissioned).response).toMatchObject({ responseCode: 'E5', message: 'device is already in the SMI' });
    expect(decideServiceRequest(preNotify(A1), commissioned).response).toMatchObject({ responseCode: 'E5', message: 'device is already in the SMI with status Commissioned' });
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
