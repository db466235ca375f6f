/** Domain errors are values: `decide` returns them rather than throwing. */
export interface DomainError<Code extends string = string> {
  code: Code;
  message: string;
  /** The command's field the refusal is about, when it is about one field's value. */
  field?: string;
}

export type Decision<Event, Code extends string = string> =
  { ok: true; events: Event[] } | { ok: false; error: DomainError<Code> };

export const accept = <Event>(...events: Event[]): { ok: true; events: Event[] } => ({ ok: true, events });

export const reject = <Code extends string>(
  code: Code,
  message: string,
  field?: string,
): { ok: false; error: DomainError<Code> } => ({
  ok: false,
  error: field === undefined ? { code, message } : { code, message, field },
});

/** For exhaustive switches over string-literal unions: a new case fails to compile here. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
