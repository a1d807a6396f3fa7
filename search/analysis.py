"""Chinese text analysis shared by every backend: normalisation, segmentation, synonyms.

Indexing uses jieba's fine-grained ``cut_for_search`` (a long word is emitted together with
its dictionary sub-words), queries use the precise ``cut``, so a query word finds both the
whole word and compounds that contain it. Synonyms expand at query time only, so editing the
synonym list never needs a reindex; adding dictionary terms changes segmentation and does.
"""

from __future__ import annotations

import importlib
import logging
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

from search.base import ParsedQuery, parse_query

DATA_PACKAGE = "search.data"
DOMAIN_TERMS_FILE = "domain_terms.txt"
SYNONYMS_FILE = "synonyms.txt"
STOPWORDS_FILE = "stopwords.txt"


#: jieba_fast gives the same cuts as jieba with HMM off (checked on the CSL sample and in the
#: tests) at about twice the speed; plain jieba is the fallback.
SEGMENTERS = ("jieba_fast", "jieba")


def _segmenter_module(names: Iterable[str] = SEGMENTERS) -> ModuleType:
    for name in names:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError(f"none of {', '.join(names)} is installed")


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    """Traditional→simplified character table from OpenCC's data, for ``str.translate``."""
    import opencc  # the converter itself is slow; its dictionary is what we need

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 1 and parts[1] != parts[0]:
            table[ord(parts[0])] = parts[1]
    return table


def normalize(text: str) -> str:
    """Fold width (NFKC), case and traditional characters so variants compare equal."""
    return unicodedata.normalize("NFKC", text).lower().translate(_t2s_table())


def normalize_aligned(text: str) -> tuple[str, list[int]]:
    """Normalise text and map each normalised character back to its original offset.

    Used to put highlight marks into the original text. When normalisation keeps the
    length (the usual case) the mapping is the identity and costs nothing per character.
    """
    folded = normalize(text)
    if len(folded) == len(text):
        return folded, list(range(len(text)))
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        norm = _normalize_char(ch)
        chars.append(norm)
        offsets.extend([i] * len(norm))
    return "".join(chars), offsets


@lru_cache(maxsize=65536)
def _normalize_char(ch: str) -> str:
    return normalize(ch)


def compact(text: str) -> str:
    """Normalised text without whitespace: the form phrase and exclusion matching compares."""
    return "".join(normalize(text).split())


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def _data_lines(text: str) -> Iterator[str]:
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            yield line


def _group_single_chars(tokens: Iterable[str]) -> Iterator[tuple[str, ...]]:
    """Keep tokens apart but run single Han characters together.

    A word unknown to the dictionary (a new compound, a chemical name) falls apart into
    characters; as one clause they count once towards minimum_should_match, not once each.
    """
    run: list[str] = []
    for token in tokens:
        if len(token) == 1 and not token.isascii():
            run.append(token)
            continue
        if run:
            yield tuple(run)
            run = []
        yield (token,)
    if run:
        yield tuple(run)


@dataclass(frozen=True, slots=True)
class QueryClause:
    """One query word: it matches when any alternative matches (all tokens of it present)."""

    alternatives: tuple[tuple[str, ...], ...]

    @property
    def tokens(self) -> tuple[str, ...]:
        """Strings to highlight: every token, or the joined text of a run of characters."""
        out: list[str] = []
        for alt in self.alternatives:
            if len(alt) > 1 and all(len(tok) == 1 for tok in alt):
                out.append("".join(alt))
            else:
                out.extend(alt)
        return tuple(out)


@dataclass(frozen=True, slots=True)
class AnalyzedQuery:
    """A parsed query in index vocabulary, ready for a backend to translate."""

    clauses: tuple[QueryClause, ...] = ()
    #: Compact (normalised, whitespace-free) phrases that must occur in the document.
    phrases: tuple[str, ...] = ()
    #: Index tokens of each phrase, usable as a cheap pre-filter before the substring check.
    phrase_tokens: tuple[tuple[str, ...], ...] = ()
    #: Compact words/phrases whose presence excludes a document.
    excluded: tuple[str, ...] = ()

    @property
    def minimum_should_match(self) -> int:
        """How many clauses a document must match: all of up to two, then about 60%."""
        n = len(self.clauses)
        return n if n <= 2 else max(2, -(-n * 3 // 5))

    def should_relax(self, total: int, page_size: int) -> bool:
        """Whether to rerun needing any one clause, after ``total`` strict matches.

        Up to two words: only when nothing matched. Longer queries are fuzzy already, so
        a page that is not full is filled with documents matching fewer words.
        """
        if self.minimum_should_match < 2:
            return False
        return total == 0 or (len(self.clauses) >= 3 and total < page_size)

    @property
    def is_empty(self) -> bool:
        """True when the query asks for nothing positive (browse, possibly with exclusions)."""
        return not self.clauses and not self.phrases

    def highlight_terms(self) -> list[str]:
        """Normalised strings to mark in the original text, longest first."""
        terms = {tok for clause in self.clauses for tok in clause.tokens}
        terms.update(self.phrases)
        terms.update(tok for toks in self.phrase_tokens for tok in toks)
        return sorted((t for t in terms if t), key=lambda t: (-len(t), t))


class Analyzer:
    """Segments and normalises text; holds the domain dictionary, synonyms and stop words.

    Thread-safe: the jieba tokenizer is built once, lazily, under a lock; dictionary and
    synonym changes take the same lock and replace lookup tables rather than mutate them.
    """

    def __init__(
        self,
        *,
        builtin: bool = True,
        dictionary_paths: Iterable[str | Path] = (),
        synonym_paths: Iterable[str | Path] = (),
        stopword_paths: Iterable[str | Path] = (),
        hmm: bool = False,
        segmenter: str | None = None,
    ) -> None:
        #: jieba's HMM guesses unknown words from context, so the same string can segment
        #: differently in a document and in a query; off by default for consistent matching.
        self.hmm = hmm
        self._module = _segmenter_module([segmenter] if segmenter else SEGMENTERS)
        self._lock = threading.RLock()
        self._tokenizer: Any = None
        self._pending_terms: list[tuple[str, int | None]] = []
        self._terms: set[str] = set()
        self._synonyms: dict[str, frozenset[str]] = {}
        self._stopwords: frozenset[str] = frozenset()
        self._version = 0
        if builtin:
            self._load_terms(self._builtin(DOMAIN_TERMS_FILE))
            self._load_synonyms(self._builtin(SYNONYMS_FILE))
            self._load_stopwords(self._builtin(STOPWORDS_FILE))
        for path in dictionary_paths:
            self.load_dictionary(path)
        for path in synonym_paths:
            self.load_synonyms(path)
        for path in stopword_paths:
            self.load_stopwords(path)

    # -- vocabulary management ------------------------------------------------------------

    @property
    def segmenter(self) -> str:
        """Name of the jieba implementation in use."""
        return self._module.__name__

    @property
    def version(self) -> int:
        """Grows whenever the dictionary changes; an index built at another version is stale."""
        return self._version

    @property
    def terms(self) -> frozenset[str]:
        """The (normalised) domain terms added to the segmenter."""
        return frozenset(self._terms)

    def synonym_groups(self) -> list[list[str]]:
        """All synonym groups, each sorted, as plain lists."""
        groups = {group for group in self._synonyms.values()}
        return sorted(sorted(group) for group in groups)

    def add_terms(self, terms: Iterable[str | tuple[str, int]]) -> int:
        """Add domain terms (optionally with a jieba frequency) so they segment as one word.

        Changes segmentation: documents indexed before should be reindexed.
        """
        parsed: list[tuple[str, int | None]] = []
        for item in terms:
            word, freq = (item, None) if isinstance(item, str) else item
            word = "".join(normalize(word).split())
            if word and word not in self._terms:
                parsed.append((word, freq))
        if not parsed:
            return 0
        with self._lock:
            self._terms.update(word for word, _ in parsed)
            if self._tokenizer is None:
                self._pending_terms.extend(parsed)
            else:
                for word, freq in parsed:
                    self._tokenizer.add_word(word, freq)
            self._version += 1
            self._cached_query_cut.cache_clear()
        return len(parsed)

    def add_synonyms(self, group: Iterable[str]) -> None:
        """Declare words that mean the same; groups sharing a word are merged."""
        words = {normalize(" ".join(word.split())) for word in group if word.strip()}
        if len(words) < 2:
            raise ValueError("a synonym group needs at least two different words")
        with self._lock:
            table = dict(self._synonyms)
            merged = set(words)
            for word in words:
                merged |= table.get(word, frozenset())
            frozen = frozenset(merged)
            for word in frozen:
                table[word] = frozen
            self._synonyms = table
        # Single-token synonyms must not be split by the segmenter, or expansion misses them.
        self.add_terms(w for w in words if " " not in w and not w.isascii())

    def add_stopwords(self, words: Iterable[str]) -> None:
        """Add words that are dropped from both indexed text and queries."""
        with self._lock:
            self._stopwords = self._stopwords | {normalize(w.strip()) for w in words if w.strip()}
            self._version += 1

    def load_dictionary(self, path: str | Path) -> int:
        """Load a user dictionary file: one term a line, optionally followed by a frequency."""
        return self._load_terms(Path(path).read_text(encoding="utf-8"))

    def load_synonyms(self, path: str | Path) -> int:
        """Load a synonym file: one group a line, words separated by commas."""
        return self._load_synonyms(Path(path).read_text(encoding="utf-8"))

    def load_stopwords(self, path: str | Path) -> int:
        """Load a stop-word file: one word a line."""
        return self._load_stopwords(Path(path).read_text(encoding="utf-8"))

    # -- analysis -----------------------------------------------------------------------------

    def index_tokens(self, text: str, *, normalized: bool = False) -> list[str]:
        """Fine-grained tokens for indexing (dictionary sub-words, then the word), normalised.

        Pass ``normalized=True`` when the caller already ran :func:`normalize` on the text.
        """
        if not text:
            return []
        tokenizer = self._ensure_tokenizer()
        freq = tokenizer.FREQ
        stop = self._stopwords
        out: list[str] = []
        for word in tokenizer.cut(text if normalized else normalize(text), HMM=self.hmm):
            if word in stop or not _is_word(word):
                continue
            # Like jieba's cut_for_search, but every dictionary sub-word of any length is
            # emitted, so "智能网联" is found inside "智能网联汽车".
            size = len(word)
            if size > 2 and not word.isascii():
                for n in range(2, size):
                    for i in range(size - n + 1):
                        sub = word[i : i + n]
                        if freq.get(sub) and sub not in stop:
                            out.append(sub)
            out.append(word)
        return out

    def index_text(self, text: str, *, normalized: bool = False) -> str:
        """``index_tokens`` joined by spaces, the form whitespace-tokenised engines store."""
        return " ".join(self.index_tokens(text, normalized=normalized))

    def query_tokens(self, text: str) -> list[str]:
        """Precise-mode tokens for a query string, normalised, without stop words."""
        return list(self._cached_query_cut(normalize(text)))

    def synonyms(self, word: str) -> list[str]:
        """Other words in the synonym group of ``word`` (normalised), sorted."""
        norm = normalize(word)
        return sorted(self._synonyms.get(norm, frozenset()) - {norm})

    def analyze_query(self, query: str | ParsedQuery) -> AnalyzedQuery:
        """Translate user query syntax into clauses, phrases and exclusions."""
        parsed = parse_query(query) if isinstance(query, str) else query
        clauses: list[QueryClause] = []
        seen: set[str] = set()
        for norm in self._join_multiword_synonyms([normalize(t) for t in parsed.terms]):
            # A multi-word synonym (e.g. "machine learning") stays one clause.
            chunks = [norm] if " " in norm else self.query_tokens(norm)
            for group in _group_single_chars(chunks):
                key = "".join(group)
                if key in seen:
                    continue
                seen.add(key)
                if len(group) == 1:
                    clauses.append(QueryClause(self._alternatives(group[0])))
                else:
                    clauses.append(QueryClause((group,)))
        phrases = tuple(p for p in (compact(p) for p in parsed.phrases) if p)
        phrase_tokens = tuple(tuple(self.query_tokens(p)) for p in phrases)
        excluded = tuple(e for e in (compact(e) for e in parsed.excluded) if e)
        return AnalyzedQuery(tuple(clauses), phrases, phrase_tokens, excluded)

    # -- internals ------------------------------------------------------------------------------

    def _join_multiword_synonyms(self, words: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(words):
            for j in range(min(len(words), i + 4), i + 1, -1):
                joined = " ".join(words[i:j])
                if joined in self._synonyms:
                    out.append(joined)
                    i = j
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def _alternatives(self, token: str) -> tuple[tuple[str, ...], ...]:
        first = tuple(self.query_tokens(token)) if " " in token else (token,)
        alts: list[tuple[str, ...]] = [first]
        for word in sorted(self._synonyms.get(token, frozenset()) - {token}):
            toks = tuple(self.query_tokens(word))
            if toks and toks not in alts:
                alts.append(toks)
        head = self._head(token)
        if head and head not in alts:
            alts.append(head)
        return tuple(alts)

    def _head(self, word: str) -> tuple[str, ...]:
        """The dictionary word a compound ends with, when it keeps three quarters of it.

        Chinese compounds put their head last: "氢燃料电池" is a kind of "燃料电池", and texts on
        fuel cells rarely spell the whole compound, so the head is one more alternative (texts
        that do spell it rank first, matching both). A term of two heads of its own
        ("激光雷达": 激光 + 雷达) has none and stays whole.
        """
        if len(word) < 4 or word.isascii() or " " in word:
            return ()
        inner = self.index_tokens(word, normalized=True)
        heads = [t for t in inner if t != word and word.endswith(t) and len(t) * 4 >= len(word) * 3]
        return (max(heads, key=len),) if heads else ()

    @lru_cache(maxsize=4096)  # noqa: B019 - one Analyzer lives for the process
    def _cached_query_cut(self, normalized: str) -> tuple[str, ...]:
        stop = self._stopwords
        return tuple(
            tok
            for tok in self._ensure_tokenizer().cut(normalized, HMM=self.hmm)
            if tok not in stop and _is_word(tok)
        )

    def _ensure_tokenizer(self) -> Any:
        tokenizer = self._tokenizer
        if tokenizer is not None:
            return tokenizer
        with self._lock:
            if self._tokenizer is None:
                tokenizer = _new_tokenizer(self._module)
                for word, freq in self._pending_terms:
                    tokenizer.add_word(word, freq)
                self._pending_terms.clear()
                self._tokenizer = tokenizer
            return self._tokenizer

    @staticmethod
    def _builtin(name: str) -> str:
        return resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")

    def _load_terms(self, text: str) -> int:
        items: list[str | tuple[str, int]] = []
        for line in _data_lines(text):
            parts = line.split()
            if len(parts) >= 2 and parts[-1].isdigit():
                items.append((" ".join(parts[:-1]), int(parts[-1])))
            else:
                items.append(line)
        return self.add_terms(items)

    def _load_synonyms(self, text: str) -> int:
        count = 0
        for line in _data_lines(text):
            words = [w.strip() for w in line.replace("，", ",").split(",") if w.strip()]
            if len(words) >= 2:
                self.add_synonyms(words)
                count += 1
        return count

    def _load_stopwords(self, text: str) -> int:
        words = list(_data_lines(text))
        self.add_stopwords(words)
        return len(words)


# jieba's own dictionary as loaded once per segmenter (about a second): every further tokenizer
# starts from a copy of it, since each analyzer adds its own terms.
_base_dictionaries: dict[str, tuple[dict[str, int], int]] = {}
_base_lock = threading.Lock()


def _new_tokenizer(module: ModuleType) -> Any:
    tokenizer = module.Tokenizer()
    with _base_lock:
        base = _base_dictionaries.get(module.__name__)
        if base is None:
            logging.getLogger(module.__name__).setLevel(logging.WARNING)
            tokenizer.initialize()
            _base_dictionaries[module.__name__] = (dict(tokenizer.FREQ), tokenizer.total)
            return tokenizer
    tokenizer.FREQ, tokenizer.total = dict(base[0]), base[1]
    tokenizer.initialized = True
    return tokenizer


_default: Analyzer | None = None
_default_lock = threading.Lock()


def default_analyzer() -> Analyzer:
    """The process-wide analyzer with the built-in dictionary, created on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Analyzer()
        return _default
