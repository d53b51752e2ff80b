// The per-event walk shared by the stream mappers of the three captures. Stream events name their symbol `s`
// and their kind `e`, where REST elements have `symbol` and no kind, so mapElements does not fit.
import { describeValue } from './describe';
import { expectArrayOrObject, isRawObject, rejectionOf, type Mapped, type RawObject, type Rejection } from './mapped';

/**
 * Checks a stream payload (the raw frame, or `data` of a combined-stream envelope) event by event:
 * one object or an array of them. An event that is not an object, has another `e`, or has no string
 * `s` is rejected; otherwise `mapOne` runs and a FieldError it throws rejects just that event.
 * A payload that is neither an object nor an array throws PayloadError (`stream` as the endpoint).
 */
export function mapStreamEvents<T>(
  data: unknown,
  stream: string,
  eventType: string,
  mapOne: (event: RawObject, symbol: string) => T,
): Mapped<T> {
  const events = expectArrayOrObject(data, stream);
  const records: T[] = [];
  const rejected: Rejection[] = [];
  const n = events.length;
  for (let i = 0; i < n; i++) {
    const event = events[i];
    if (!isRawObject(event)) {
      rejected.push({
        endpoint: stream,
        symbol: null,
        reason: `[${i}]: expected an object, got ${describeValue(event)}`,
      });
      continue;
    }
    const symbol = event['s'];
    const validSymbol = typeof symbol === 'string' && symbol.length > 0 ? symbol : null;
    if (event['e'] !== eventType) {
      rejected.push({
        endpoint: stream,
        symbol: validSymbol,
        reason: `[${i}].e: expected "${eventType}", got ${describeValue(event['e'])}`,
      });
      continue;
    }
    if (validSymbol === null) {
      rejected.push({
        endpoint: stream,
        symbol: null,
        reason: `[${i}].s: expected a non-empty string, got ${describeValue(symbol)}`,
      });
      continue;
    }
    try {
      records.push(mapOne(event, validSymbol));
    } catch (error) {
      rejected.push(rejectionOf(error, stream, validSymbol));
    }
  }
  return { records, rejected };
}
