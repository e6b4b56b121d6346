/**
 * What went wrong, as text for a message: an Error's message (without its "Error:" prefix), the
 * `message` of a thrown object that has one (tfjs and the DOM throw some), else the value as a string.
 * Framework-free: the UI, the worker and the core share it.
 */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
  return String(error);
}
