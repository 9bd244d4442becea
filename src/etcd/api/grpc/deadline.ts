// The grpc-timeout request header (gRPC over HTTP/2: up to 8 digits and a unit H M S m u n),
// read as grpc-go's server reads it, so a client's deadline reaches the request's context.
import { ServerError } from '../../server/errors.ts';

/** Each unit as a fraction of a millisecond: [multiply, divide]. */
const UNIT_MS: Record<string, [number, number]> = { H: [3_600_000, 1], M: [60_000, 1], S: [1000, 1], m: [1, 1], u: [1, 1000], n: [1, 1_000_000] };

/** Go's %q for the ASCII a header holds. */
const quoted = (s: string): string => JSON.stringify(s);

/**
 * The timeout in milliseconds a grpc-timeout value asks for; a malformed one is a call
 * error with grpc-go's words (status Internal, "malformed grpc-timeout: …").
 */
export function decodeGrpcTimeout(value: string): number {
  const fail = (why: string) => new ServerError('Internal', `malformed grpc-timeout: ${why}`);
  if (value.length < 2) throw fail(`transport: timeout string is too short: ${quoted(value)}`);
  if (value.length > 9) throw fail(`transport: timeout string is too long: ${quoted(value)}`);
  const unitMs = UNIT_MS[value[value.length - 1]!];
  if (unitMs === undefined) throw fail(`transport: timeout unit is not recognized: ${quoted(value)}`);
  const digits = value.slice(0, -1);
  if (!/^\d+$/.test(digits)) throw fail(`strconv.ParseUint: parsing ${quoted(digits)}: invalid syntax`);
  return (Number(digits) * unitMs[0]) / unitMs[1];
}
