import { ResponseCode } from '../device-aggregate';
import { httpStatusForResponseCode } from './response-http-status';

describe('HTTP status of a Service Request answer', () => {
  it.each<[ResponseCode, number]>([
    ['I0', 200],
    ['E1', 403],
    ['E2', 403],
    ['E3', 403],
    ['E4', 403],
    ['E5', 409],
    ['E11', 422],
    ['E12', 422],
    ['E19', 404],
  ])('%s is HTTP %i', (code, status) => {
    expect(httpStatusForResponseCode(code)).toBe(status);
  });
});
