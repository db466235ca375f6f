/**
 * The body of a POST that takes none: validated against this empty class, any field sent is an
 * unknown field (400 naming it), as on every other route.
 */
export class NoBody {}
