interface MediaRange {
  type: string;
  subtype: string;
  quality: number;
  order: number;
}

/**
 * Which of `offered` (most wanted first when the client does not care) the Accept header prefers,
 * as HTTP content negotiation says: each is weighed by the most specific range that matches it;
 * the higher quality wins, then the more specific range, then the range named first, then the
 * order of `offered`. Undefined when the client accepts none of them.
 */
export function preferredMediaType(accept: string | undefined, offered: readonly string[]): string | undefined {
  if (accept === undefined) return offered[0];
  const ranges = accept.split(',').flatMap(parseRange);
  const weighed = offered.flatMap((mediaType, index) => {
    const [type, subtype] = mediaType.split('/');
    const matches = ranges
      .map((range) => ({ range, specificity: specificityOf(range, type, subtype) }))
      .filter(({ specificity }) => specificity >= 0)
      .sort((a, b) => b.specificity - a.specificity || a.range.order - b.range.order);
    const best = matches[0];
    return best && best.range.quality > 0 ? [{ mediaType, index, ...best }] : [];
  });
  weighed.sort(
    (a, b) =>
      b.range.quality - a.range.quality ||
      b.specificity - a.specificity ||
      a.range.order - b.range.order ||
      a.index - b.index,
  );
  return weighed[0]?.mediaType;
}

function parseRange(text: string, order: number): MediaRange[] {
  const [mediaType, ...parameters] = text.trim().toLowerCase().split(';');
  const [type, subtype] = mediaType.trim().split('/');
  if (!type || !subtype) return [];
  const q = parameters.map((parameter) => /^\s*q\s*=\s*([\d.]+)\s*$/.exec(parameter)?.[1]).find(Boolean);
  const quality = q === undefined ? 1 : Number(q);
  return [{ type, subtype: subtype.trim(), quality: Number.isNaN(quality) ? 0 : quality, order }];
}

/** -1 when the range does not match: 2 for the exact type, 1 for type/*, 0 for *\/*. */
function specificityOf(range: MediaRange, type: string, subtype: string): number {
  if (range.type === '*' && range.subtype === '*') return 0;
  if (range.type !== type) return -1;
  if (range.subtype === '*') return 1;
  return range.subtype === subtype ? 2 : -1;
}
