// Search matches, marked without HTML: the text is cut into plain-text parts and
// the component renders the matching ones inside <mark>. Spans come from the core
// and are trusted no further than the text: any that fall outside the text,
// overlap another, or would split a character in two are skipped.
import type { Span } from './bindings/Span';

export type TextPart = { text: string; mark: boolean };

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** A cut at `index` would split a surrogate pair (an emoji, say) in two. */
function splitsCharacter(text: string, index: number): boolean {
  return index > 0 && index < text.length && isLowSurrogate(text.charCodeAt(index));
}

/** The text in order, cut at the usable spans (UTF-16 indices). */
export function highlightParts(text: string, spans: readonly Span[] | null | undefined): TextPart[] {
  const usable = (spans ?? [])
    .filter(
      (s) =>
        s !== null &&
        typeof s === 'object' &&
        Number.isInteger(s.start) &&
        Number.isInteger(s.end) &&
        s.start >= 0 &&
        s.end <= text.length &&
        s.start < s.end &&
        !splitsCharacter(text, s.start) &&
        !splitsCharacter(text, s.end),
    )
    .slice()
    .sort((a, b) => a.start - b.start || a.end - b.end);

  const parts: TextPart[] = [];
  let at = 0;
  for (const span of usable) {
    if (span.start < at) continue; // overlaps the previous mark
    if (span.start > at) parts.push({ text: text.slice(at, span.start), mark: false });
    parts.push({ text: text.slice(span.start, span.end), mark: true });
    at = span.end;
  }
  if (at < text.length || parts.length === 0) parts.push({ text: text.slice(at), mark: false });
  return parts;
}
