import { ResponseCode } from '../device-aggregate';

/**
 * HTTP status of a Service Request's answer. The body is the DUIS response either way; the status lets
 * plain HTTP clients tell success from refusal without knowing the codes.
 */
export function httpStatusForResponseCode(code: ResponseCode): number {
  switch (code) {
    case 'I0':
      return 200;
    case 'E1':
    case 'E2':
    case 'E3':
    case 'E4':
      return 403;
    case 'E19':
      return 404;
    case 'E5':
      return 409;
    case 'E11':
    case 'E12':
      return 422;
  }
}
