/** A time from the API (UTC) in the viewer's own zone and locale. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso));
}

/** The first characters of an id, enough to tell rows apart. */
export const shortId = (id: string) => id.slice(0, 8);

/** "partially_refunded" → "partially refunded". */
export const words = (code: string) => code.replace(/_/g, ' ');

/** The id in what was typed, once it is a whole one: no request is made for half an id. */
export const typedId = (text: string) => (/^[0-9a-f-]{36}$/i.test(text.trim()) ? text.trim() : undefined);
