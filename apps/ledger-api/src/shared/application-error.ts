/**
 * The application's own refusals, which are no business rule (the domain's are DomainErrorCode):
 * each answers over HTTP as `http/domain-errors.ts` maps it.
 */
export type ApplicationErrorCode =
  'projection_not_found' | 'rebuild_not_found' | 'rebuild_in_progress' | 'invalid_cursor' | 'invalid_bank_statement';

/** A refusal of the application: its code, a sentence, and the fields it is about, if any. */
export class ApplicationError extends Error {
  constructor(
    readonly code: ApplicationErrorCode,
    message: string,
    /** One entry per bad field (API.md's `validation_failed` details). */
    readonly problems?: readonly { field: string; problems: string[] }[],
  ) {
    super(message);
    this.name = 'ApplicationError';
  }
}
