/** Domain errors are values: `decide` returns them rather than throwing. */
export interface DomainError<Code extends string = string> {
  code: Code;
  message: string;
}

export type Decision<Event, Code extends string = string> =
  { ok: true; events: Event[] } | { ok: false; error: DomainError<Code> };

export const accept = <Event>(...events: Event[]): { ok: true; events: Event[] } => ({ ok: true, events });

export const reject = <Code extends string>(code: Code, message: string): { ok: false; error: DomainError<Code> } => ({
  ok: false,
  error: { code, message },
});

/** For exhaustive switches over string-literal unions: a new case fails to compile here. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
