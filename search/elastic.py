"""Elasticsearch backend: the scale path, for Elasticsearch 7.17 with the official client.

OpenSearch (:mod:`search.opensearch`) reuses this class; only the client, its errors and the
few calls whose signatures differ are overridden there.

Text is segmented in Python (:mod:`search.analysis`) and stored in ``whitespace``-analysed
fields, so the engine needs no Chinese analysis plugin. Lowercasing and width folding happen
in Python too, because the built-in analyzers cannot combine a whitespace tokenizer with a
lowercase filter without the ``analysis-common`` module.

Layout in the engine:

* Documents live in a versioned index ``<alias>-v<MAPPING_VERSION>-<stamp>`` reached through
  the alias ``<alias>``. :meth:`ElasticsearchBackend.rebuild` loads a fresh index, then swaps
  the alias in one atomic ``_aliases`` call and drops the old index.
* While a rebuild runs, the new index also carries the alias ``<alias>-next``; every write
  goes to all indices holding either alias, so writes made during a rebuild are not lost.
* ``chars`` holds each text field as single characters of its compact form (normalised, no
  whitespace). A ``match_phrase`` on it is an exact substring test, which is what quoted
  phrases and exclusions mean in the query syntax.
* Highlights are computed in Python on the original text kept in ``_source`` (the engine's
  own highlighter would mark the segmented copy, not what the user wrote).

Queries are built and read in :mod:`search.elastic_query`, vectors in :mod:`search.engine_dense`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any, Literal

from elasticsearch import Elasticsearch
from elasticsearch.exceptions import ElasticsearchException, NotFoundError, TransportError
from elasticsearch.helpers import streaming_bulk

from search import engine_dense as ed
from search.analysis import Analyzer, default_analyzer, normalize
from search.base import (
    MAX_RESULT_WINDOW,
    BackendHealth,
    SearchDocument,
    SearchUnavailable,
)
from search.dense import Encoder
from search.elastic_query import (
    FIELD_WEIGHTS,
    SUGGEST_SEP,
    EngineQueries,
    as_list,
)

#: Bump when the mapping below changes; a rebuild then creates an index with the new one.
MAPPING_VERSION = 1
BULK_CHUNK = 500
#: Larger writes go in chunks of this many documents, one being sent while the next is
#: analysed: Elasticsearch indexes on one core while jieba segments on another.
PIPELINE_CHUNK = 100

Refresh = bool | Literal["wait_for"]


def _mapping(analyzer_version: int, vectors: Mapping[str, Any] | None = None) -> dict[str, Any]:
    seg = {"type": "text", "analyzer": "whitespace", "similarity": "BM25"}
    return {
        "dynamic": "strict",
        "_meta": {"mapping_version": MAPPING_VERSION, "analyzer_version": analyzer_version},
        # ``chars`` is derived and bulky; the original text is in ``src``.
        "_source": {"excludes": ["chars"]},
        "dynamic_templates": [
            {
                "facets": {
                    "path_match": "facets.*",
                    "mapping": {"type": "keyword", "ignore_above": 1024},
                }
            },
            {"numbers": {"path_match": "numbers.*", "mapping": {"type": "double"}}},
        ],
        "properties": {
            "key": {"type": "keyword"},
            "type": {"type": "keyword"},
            "id": {"type": "keyword"},
            "published_at": {"type": "date"},
            "src": {"type": "object", "enabled": False},
            **{name: dict(seg) for name in FIELD_WEIGHTS},
            "chars": {
                "type": "text",
                "analyzer": "whitespace",
                "norms": False,
                "index_options": "positions",
                # Keeps phrases from matching across two fields or two keywords.
                "position_increment_gap": 100,
            },
            "suggest": {"type": "keyword", "ignore_above": 2048},
            "facets": {"type": "object", "dynamic": True},
            "numbers": {"type": "object", "dynamic": True},
            **(vectors or {}),
        },
    }


def _settings(*, loading: bool = False, knn: bool = False) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "number_of_shards": 1,
        "number_of_replicas": 0,
        "max_result_window": MAX_RESULT_WINDOW,
    }
    if knn:
        settings["knn"] = True
    if loading:
        settings["refresh_interval"] = "-1"
    return settings


@dataclass
class _RebuildState:
    """In-process bookkeeping of writes made while a rebuild is loading its index."""

    index: str
    live: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)


class ElasticsearchBackend(EngineQueries):
    """:class:`search.base.SearchBackend` on an Elasticsearch 7.17 cluster.

    With an ``encoder`` every written document also carries its vector in the index and
    relevance ranking is hybrid (:mod:`search.engine_dense`); without one it is BM25 alone.
    """

    name = "elasticsearch"
    engine = "Elasticsearch"
    #: The client library's base error, index-missing error and HTTP error.
    errors: type[Exception] = ElasticsearchException
    not_found: type[Exception] = NotFoundError
    transport_error: type[Exception] = TransportError

    def __init__(
        self,
        url: str | Sequence[str] = "http://127.0.0.1:9200",
        *,
        index: str = "kechuang",
        analyzer: Analyzer | None = None,
        refresh: Refresh = True,
        timeout: float = 10.0,
        client: Any = None,
        encoder: Encoder | None = None,
        dense_window: int = ed.WINDOW,
    ) -> None:
        """Connect lazily to ``url``; ``index`` names the alias every request goes through.

        ``refresh`` is passed to every write: ``True`` makes writes searchable at once (tests,
        small sites), ``"wait_for"`` waits for the next periodic refresh, ``False`` does not wait.
        """
        if index != index.lower() or not index or index.startswith(("_", "-", "+")):
            raise ValueError(f"invalid index alias {index!r}")
        hosts = [url] if isinstance(url, str) else list(url)
        self.alias = index
        self.next_alias = f"{index}-next"
        self.analyzer = analyzer or default_analyzer()
        self.refresh = refresh
        self.client = client or self._connect(hosts, timeout)
        self._lock = threading.Lock()
        self._rebuild: _RebuildState | None = None
        self.encoder = encoder
        self.dense_window = dense_window

    # -- set-up and housekeeping ------------------------------------------------------------

    def ensure_ready(self) -> None:
        with self._guard("create the index"):
            if self.client.indices.exists_alias(name=self.alias):
                if self.encoder is not None:
                    self.add_vector_mapping()
                return
            name = f"{self.alias}-v{MAPPING_VERSION}-initial"
            try:
                self._create_index(name, alias=self.alias)
            except self.transport_error as exc:
                if getattr(exc, "error", None) != "resource_already_exists_exception":
                    raise
                # A concurrent caller created it; make sure it carries the alias.
                self.client.indices.put_alias(index=name, name=self.alias)

    def drop(self) -> None:
        """Delete every index of this alias (all versions). Irreversible; for tests and ops."""
        with self._guard("drop the index"):
            for name in self._versions():
                self.client.indices.delete(index=name, ignore_unavailable=True)

    def close(self) -> None:
        self.client.close()

    def health(self) -> BackendHealth:
        try:
            cluster = self._cluster_health()
            if not self.client.indices.exists_alias(name=self.alias):
                return BackendHealth(
                    False,
                    self.name,
                    0,
                    f"cluster {cluster['status']}; alias {self.alias} missing",
                    missing=True,
                )
            documents = int(self.client.count(index=self.alias)["count"])
            meta = self._meta()
        except self.errors as exc:
            return BackendHealth(False, self.name, 0, f"unreachable: {exc}")
        detail = f"cluster {cluster['status']}; index {', '.join(meta)}"
        stale = [
            name
            for name, m in meta.items()
            if m.get("mapping_version") != MAPPING_VERSION
            or m.get("analyzer_version") != self.analyzer.version
        ]
        if stale:
            detail += "; built with another mapping or dictionary, reindex advised"
        ok = cluster["status"] in ("green", "yellow")
        return BackendHealth(ok, self.name, documents, detail)

    def count(self, types: Sequence[str] = ()) -> int:
        query: dict[str, Any] = {"terms": {"type": list(types)}} if types else {"match_all": {}}
        with self._guard("count documents"):
            return int(self.client.count(index=self.alias, body={"query": query})["count"])

    # -- writes ------------------------------------------------------------------------------

    def index(self, documents: Iterable[SearchDocument], *, encode: bool = True) -> int:
        """Add or replace documents; with an encoder (and ``encode``) their vectors too.

        ``encode=False`` writes text only (a bulk load): :meth:`fill_vectors` adds the
        vectors later in the background.
        """
        docs = list(documents)
        if not docs:
            return 0
        vectors = self._encode_documents(docs) if encode else {}
        with self._guard("index documents"):
            targets, _ = self._write_targets()
            state = self._rebuild
            if state is not None:
                with self._lock:
                    for doc in docs:
                        state.live.add(doc.key)
                        state.deleted.discard(doc.key)
            # A generator: documents are analysed as the chunks are sent.
            actions = (
                {"_op_type": "index", "_index": target, "_id": doc.key, "_source": source}
                for doc in docs
                for source in (self._source(doc, vectors.get(doc.key)),)
                for target in targets
            )
            self._bulk(actions, pipelined=len(docs) > PIPELINE_CHUNK)
        return len(docs)

    def delete(self, type: str, ids: Iterable[str]) -> int:
        keys = [f"{type}:{i}" for i in dict.fromkeys(ids)]
        if not keys:
            return 0
        with self._guard("delete documents"):
            targets, live = self._write_targets()
            state = self._rebuild
            if state is not None:
                with self._lock:
                    for key in keys:
                        state.deleted.add(key)
                        state.live.discard(key)
            actions = [
                {"_op_type": "delete", "_index": target, "_id": key}
                for key in keys
                for target in targets
            ]
            results = self._bulk(actions)
        return sum(
            1
            for action, item in results
            if item.get("result") == "deleted" and action["_index"] in live
        )

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        new = f"{self.alias}-v{MAPPING_VERSION}-{stamp}"
        with self._guard("rebuild the index"):
            self._create_index(new, alias=self.next_alias, loading=True)
        state = _RebuildState(new)
        self._rebuild = state
        try:
            with self._guard("rebuild the index"):
                written = self._load(new, documents, state)
                with self._lock:
                    gone = sorted(state.deleted)
                if gone:
                    # Deletes racing the bulk load: the snapshot may have brought them back.
                    self._bulk([{"_op_type": "delete", "_index": new, "_id": k} for k in gone])
                self.client.indices.put_settings(
                    index=new, body={"index": {"refresh_interval": None}}
                )
                self.client.indices.refresh(index=new)
                old = self._indices_with(self.alias)
                actions: list[dict[str, Any]] = [
                    {"remove": {"index": name, "alias": self.alias}} for name in old
                ]
                actions += [
                    {"add": {"index": new, "alias": self.alias}},
                    {"remove": {"index": new, "alias": self.next_alias}},
                ]
                self.client.indices.update_aliases(body={"actions": actions})
                for name in old:
                    self.client.indices.delete(index=name, ignore_unavailable=True)
                self._drop_orphans(keep=new)
        except BaseException:
            with contextlib.suppress(self.errors):
                self.client.indices.delete(index=new, ignore_unavailable=True)
            raise
        finally:
            self._rebuild = None
        return written

    # -- internals ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        try:
            yield
        except SearchUnavailable:
            raise
        except self.not_found as exc:
            raise SearchUnavailable(
                f"{self.engine} could not {action}: index {self.alias!r} not found "
                f"(call ensure_ready() or rebuild it): {exc}"
            ) from exc
        except self.errors as exc:
            raise SearchUnavailable(f"{self.engine} could not {action}: {exc}") from exc

    def _connect(self, hosts: list[str], timeout: float) -> Any:
        return Elasticsearch(hosts, timeout=timeout, max_retries=1, retry_on_timeout=False)

    def _cluster_health(self) -> dict[str, Any]:
        health: dict[str, Any] = self.client.cluster.health(timeout="2s")
        return health

    def _create_index(self, name: str, *, alias: str, loading: bool = False) -> None:
        self.client.indices.create(
            index=name,
            settings=self._index_settings(loading),
            mappings=self._index_mapping(),
            aliases={alias: {}},
        )

    def _index_settings(self, loading: bool) -> dict[str, Any]:
        return _settings(
            loading=loading, knn=self.encoder is not None and self.vector_kind == "knn"
        )

    def _index_mapping(self) -> dict[str, Any]:
        vectors = None
        if self.encoder is not None:
            vectors = ed.mapping_fields(self.vector_kind, self.encoder.dim)
        return _mapping(self.analyzer.version, vectors)

    def _streaming_bulk(self, actions: Iterable[dict[str, Any]], **options: Any) -> Any:
        return streaming_bulk(self.client, actions, raise_on_error=False, **options)

    def _search(self, body: Mapping[str, Any]) -> dict[str, Any]:
        # Request fields as keyword arguments: the 7.17 client deprecates ``body=`` here.
        response: dict[str, Any] = self.client.search(index=self.alias, **body)
        return response

    def _versions(self) -> dict[str, set[str]]:
        """Every index of this alias (any version) with the aliases it carries."""
        found = self.client.indices.get_alias(
            index=f"{self.alias}-v*", ignore_unavailable=True, allow_no_indices=True
        )
        return {
            name: set(info.get("aliases", {}))
            for name, info in found.items()
            if name.startswith(f"{self.alias}-v")
        }

    def _indices_with(self, alias: str) -> list[str]:
        return sorted(name for name, aliases in self._versions().items() if alias in aliases)

    def _write_targets(self) -> tuple[list[str], set[str]]:
        """Indices a write must reach (live ones, then any being rebuilt) and the live ones."""
        versions = self._versions()
        live = sorted(n for n, a in versions.items() if self.alias in a)
        if not live:
            raise SearchUnavailable(
                f"{self.engine} index {self.alias!r} not found (call ensure_ready() or rebuild it)"
            )
        building = sorted(n for n, a in versions.items() if self.next_alias in a)
        return live + [n for n in building if n not in live], set(live)

    def _meta(self) -> dict[str, dict[str, Any]]:
        mappings = self.client.indices.get_mapping(index=self.alias)
        return {name: m["mappings"].get("_meta", {}) for name, m in mappings.items()}

    def _drop_orphans(self, keep: str) -> None:
        for name, aliases in self._versions().items():
            if name != keep and not aliases:
                self.client.indices.delete(index=name, ignore_unavailable=True)

    def _source(self, doc: SearchDocument, vector: tuple[str, Any] | None = None) -> dict[str, Any]:
        """The indexed form of a document; ``vector`` is its ``(text digest, vector)``."""
        an = self.analyzer
        # Each text is normalised once; segmentation, ``chars`` and suggestions share it.
        title, summary, body = (normalize(t) for t in (doc.title, doc.summary, doc.body))
        keywords = [normalize(k) for k in doc.keywords]
        compacted = ["".join(t.split()) for t in (title, *keywords, summary, body)]
        shown = [doc.title, *(k.strip() for k in doc.keywords)]
        entries = list(zip(compacted[: len(shown)], shown, strict=True))
        return {
            "key": doc.key,
            "type": doc.type,
            "id": doc.id,
            "published_at": doc.published_at.isoformat() if doc.published_at else None,
            "src": {
                "title": doc.title,
                "keywords": list(doc.keywords),
                "summary": doc.summary,
                "body": doc.body,
            },
            "title_seg": an.index_text(title, normalized=True),
            "keywords_seg": [an.index_text(k, normalized=True) for k in keywords],
            "summary_seg": an.index_text(summary, normalized=True),
            "body_seg": an.index_text(body, normalized=True),
            "chars": [" ".join(c) for c in compacted if c],
            "suggest": sorted({f"{norm}{SUGGEST_SEP}{shown}" for norm, shown in entries if norm}),
            "facets": {name: as_list(value) for name, value in doc.facets.items()},
            "numbers": {name: float(value) for name, value in doc.numbers.items()},
            **self._vector_source(vector),
        }

    def _bulk(
        self, actions: Iterable[dict[str, Any]], *, pipelined: bool = False
    ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """Run bulk actions; return (action, result item) pairs; raise on real failures."""
        sent: list[dict[str, Any]] = []

        def tracked() -> Iterator[dict[str, Any]]:
            for action in actions:
                sent.append(action)
                yield action

        # Pipelined chunks are made searchable by one refresh at the end, not one each.
        refresh_at_end = pipelined and self.refresh is True
        refresh = False if refresh_at_end else self.refresh
        results: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for i, (ok, raw) in enumerate(self._send(tracked(), pipelined, refresh=refresh)):
            op, item = next(iter(raw.items()))
            if not ok and not (op == "delete" and item.get("status") == 404):
                raise SearchUnavailable(f"{self.engine} refused a {op}: {item.get('error')}")
            results.append((sent[i], item))
        if refresh_at_end and sent:
            self.client.indices.refresh(index=",".join(sorted({a["_index"] for a in sent})))
        return results

    def _load(self, index: str, documents: Iterable[SearchDocument], state: _RebuildState) -> int:
        """Bulk-load a rebuild's documents; a write made meanwhile by index()/delete() wins."""
        emitted: set[str] = set()

        def fresh() -> Iterator[SearchDocument]:
            for doc in documents:
                key = doc.key
                with self._lock:
                    if key in emitted or key in state.live or key in state.deleted:
                        continue
                emitted.add(key)
                yield doc

        def actions() -> Iterator[dict[str, Any]]:
            docs = fresh()
            while chunk := list(islice(docs, PIPELINE_CHUNK)):
                # Vectors whose text did not change come over from the live index.
                carried = self._carried_vectors(chunk)
                for doc in chunk:
                    # ``create`` never overwrites what a concurrent writer already put there.
                    yield {
                        "_op_type": "create",
                        "_index": index,
                        "_id": doc.key,
                        "_source": self._source(doc, carried.get(doc.key)),
                    }

        written = 0
        for ok, raw in self._send(actions(), pipelined=True):
            op, item = next(iter(raw.items()))
            if ok:
                written += 1
            elif item.get("status") != 409:
                raise SearchUnavailable(f"{self.engine} refused a {op}: {item.get('error')}")
        return written

    def _send(
        self, actions: Iterator[dict[str, Any]], pipelined: bool, **options: Any
    ) -> Iterator[tuple[bool, dict[str, Any]]]:
        """Bulk (ok, item) results in action order, the actions consumed as chunks go out.

        Pipelined, this thread draws (and so analyses) the next chunk while a sender thread
        waits for Elasticsearch to index the previous one; one request is in flight at a
        time, and a failed request stops the drawing at once.
        """
        if not pipelined:
            yield from self._streaming_bulk(actions, chunk_size=BULK_CHUNK, **options)
            return

        def send(chunk: list[dict[str, Any]]) -> list[tuple[bool, dict[str, Any]]]:
            return list(self._streaming_bulk(chunk, chunk_size=len(chunk), **options))

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="es-bulk") as sender:
            in_flight: Future[list[tuple[bool, dict[str, Any]]]] | None = None
            while chunk := list(islice(actions, PIPELINE_CHUNK)):
                sent = sender.submit(send, chunk)
                if in_flight is not None:
                    yield from in_flight.result()
                in_flight = sent
            if in_flight is not None:
                yield from in_flight.result()
