/**
 * What was thrown, as an Error: logged under `err`, pino writes its class, message and stack
 * (a plain object there would read `{"type":"Object","stack":""}`).
 */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
