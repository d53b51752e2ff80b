/** A short, log-safe rendering of a raw JSON value for rejection reasons. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined (field missing)';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'number':
      return `${String(value)} (a JSON number)`;
    case 'boolean':
      return `${String(value)} (a JSON boolean)`;
    default:
      return Array.isArray(value) ? `an array of ${value.length}` : 'an object';
  }
}
