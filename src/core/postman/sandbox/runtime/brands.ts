/** Marks the objects that are `pm.request`-like or `pm.response`-like, for the Postman chai assertions. */
export const requestObjects = new WeakSet<object>();
export const responseObjects = new WeakSet<object>();

export function isRequestObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && requestObjects.has(value);
}

export function isResponseObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && responseObjects.has(value);
}
