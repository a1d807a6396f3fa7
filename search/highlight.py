"""Highlighting in the original text: HTML-escaped text with ``<mark>`` around matches.

Matching happens on normalised text (width, case and traditional characters folded) and
the marks are put back at the original offsets, so a traditional-script document is
highlighted for a simplified query and the user sees their document's own characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from search.analysis import normalize_aligned
from search.base import MARK_CLOSE, MARK_OPEN

#: Only this much of a long body is scanned for a snippet.
SNIPPET_SCAN_CHARS = 5_000
ELLIPSIS = "…"


def _is_ascii_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def find_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Merged ``[start, end)`` spans of the original text where normalised terms occur.

    ASCII terms only match whole words ("ai" does not match inside "maintain").
    """
    if not text or not terms:
        return []
    norm, offsets = normalize_aligned(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        if not term:
            continue
        ascii_word = term.isascii()
        start = norm.find(term)
        while start >= 0:
            end = start + len(term)
            if not ascii_word or (
                (start == 0 or not _is_ascii_word_char(norm[start - 1]))
                and (end == len(norm) or not _is_ascii_word_char(norm[end]))
            ):
                spans.append((offsets[start], offsets[end - 1] + 1))
            start = norm.find(term, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def mark(
    text: str, spans: Sequence[tuple[int, int]], start: int = 0, end: int | None = None
) -> str:
    """Escape ``text[start:end]`` and wrap the given spans (clipped to it) in marks."""
    stop = len(text) if end is None else end
    out: list[str] = []
    pos = start
    for s, e in spans:
        s, e = max(s, start), min(e, stop)
        if s >= e:
            continue
        out.append(escape(text[pos:s], quote=False))
        out.append(MARK_OPEN + escape(text[s:e], quote=False) + MARK_CLOSE)
        pos = e
    out.append(escape(text[pos:stop], quote=False))
    return "".join(out)


def highlight(text: str, terms: Sequence[str]) -> str:
    """The whole text as safe HTML with every occurrence of the terms marked."""
    return mark(text, find_spans(text, terms))


def snippet(text: str, terms: Sequence[str], length: int = 120) -> tuple[str, int]:
    """A window of about ``length`` characters around the densest matches, as safe HTML.

    Returns the HTML and the number of marked spans in it (0 when nothing matched, in
    which case the window is the start of the text).
    """
    scanned = text[:SNIPPET_SCAN_CHARS]
    spans = find_spans(scanned, terms)
    if not spans:
        cut = len(text) > length
        return escape(text[:length], quote=False) + (ELLIPSIS if cut else ""), 0
    best_start, best_count, j = spans[0][0], 0, 0
    for i, (s, _) in enumerate(spans):
        j = max(j, i)
        while j + 1 < len(spans) and spans[j + 1][1] <= s + length:
            j += 1
        if j - i + 1 > best_count:
            best_start, best_count = s, j - i + 1
    # Start a little before the first match so it reads in context.
    start = max(0, min(best_start - length // 5, len(text) - length))
    end = min(len(text), start + length)
    html = mark(text, spans, start, end)
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    return prefix + html + suffix, best_count
