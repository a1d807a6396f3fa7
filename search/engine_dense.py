"""Document vectors stored in the engine's own index: the dense half of hybrid ranking on
Elasticsearch and OpenSearch (:mod:`search.elastic`, :mod:`search.opensearch`).

Each indexed document carries three more fields when the backend has an encoder:

* ``embedding``: the document's unit vector (:func:`search.dense.document_text` encoded).
  OpenSearch (with the k-NN plugin): a ``knn_vector`` in a Lucene HNSW graph (cosine), found by
  approximate kNN with the query's filters applied inside the graph search. Elasticsearch 7.17:
  a ``binary`` field (float32 bytes, base64 in ``_source``), because ``dense_vector`` and
  ``cosineSimilarity`` live in the x-pack ``vectors`` module and ``script_score`` needs
  ``lang-painless``, and neither is published to Maven Central for 7.17 (the embedded test
  node has only the OSS server), so the vectors of the BM25 window are scored here.
* ``embedding_model``: model name and dimension; a document without the current one still needs
  encoding (:meth:`EngineVectors.fill_vectors` finds those, so a stopped fill resumes where it was).
* ``embedding_digest``: digest of the encoded text, so a rebuild carries a vector over unchanged
  when the text did not change instead of encoding it again.

Hybrid ranking fuses, by reciprocal rank (:mod:`search.fusion`), the BM25 window (the first
``window`` hits of the text query) with the dense ranking: on OpenSearch the kNN hits above
``MIN_COSINE`` (a document found by meaning alone joins the page), on Elasticsearch the
window re-ordered by cosine. Pages past the window are BM25's.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

import numpy as np

from search.analysis import AnalyzedQuery
from search.base import SearchDocument, SearchPage, SearchQuery, SearchUnavailable, parse_query
from search.dense import DOCUMENT_CHARS, Encoder, document_text
from search.fusion import rrf_scores
from search.vectors import digest

VECTOR_FIELD = "embedding"
MODEL_FIELD = "embedding_model"
DIGEST_FIELD = "embedding_digest"
#: BM25 hits (and kNN neighbours) fused for the first pages.
WINDOW = 100
#: Least cosine for a kNN neighbour to join the results without a matching word. Measured
#: with multilingual-e5-small on 300 CSL abstracts, queries of three of a paper's keywords:
#: its own abstract scores 0.88 at the 5th percentile (median 0.92), the other abstracts
#: a median 0.82, 0.86 at the 99th and 0.88 at the 99.9th percentile.
MIN_COSINE = 0.87
#: Neighbours the HNSW search collects at least (Lucene's candidate list is ``k``), however
#: few are asked for: with ``k`` = 10 the graph search missed a tenth of the exact top 10 on
#: 1,000 CSL abstracts (scripts/eval_search --os-url), with 100 or more none.
KNN_CANDIDATES = 200

VectorKind = Literal["binary", "knn"]


def model_tag(encoder: Encoder) -> str:
    return f"{encoder.name}/{encoder.dim}"


def text_digest(encoder: Encoder, text: str) -> str:
    return digest(f"{encoder.name}\n{text}")


def mapping_fields(kind: VectorKind, dim: int) -> dict[str, Any]:
    """The mapping's vector properties for an engine."""
    if kind == "knn":
        vector: dict[str, Any] = {
            "type": "knn_vector",
            "dimension": dim,
            "method": {"name": "hnsw", "space_type": "cosinesimil", "engine": "lucene"},
        }
    else:
        vector = {"type": "binary", "doc_values": True}
    return {
        VECTOR_FIELD: vector,
        MODEL_FIELD: {"type": "keyword"},
        DIGEST_FIELD: {"type": "keyword", "index": False, "doc_values": False},
    }


def vector_value(kind: VectorKind, vec: np.ndarray) -> Any:
    """How a vector is sent in ``_source``."""
    vec = np.asarray(vec, dtype=np.float32)
    if kind == "knn":
        return [round(float(x), 7) for x in vec]
    return base64.b64encode(vec.tobytes()).decode("ascii")


def read_vector(value: Any) -> np.ndarray | None:
    """A vector read back from ``_source`` (either form)."""
    if value is None:
        return None
    if isinstance(value, str):
        return np.frombuffer(base64.b64decode(value), dtype=np.float32)
    return np.asarray(value, dtype=np.float32)


@dataclass(frozen=True)
class Fused:
    """The fused head of a hybrid ranking: keys best first and their fused scores."""

    keys: list[str]
    scores: dict[str, float]
    #: Keys found by the dense ranking only (not among the BM25 window).
    dense_only: set[str]


def fuse(bm25_keys: Sequence[str], dense_keys: Sequence[str]) -> Fused:
    """Reciprocal rank fusion of the BM25 window and the dense ranking."""
    scores = rrf_scores([bm25_keys, dense_keys])
    first = {key: i for i, key in enumerate(scores)}
    keys = sorted(scores, key=lambda k: (-scores[k], first[k]))
    return Fused(keys, scores, set(dense_keys) - set(bm25_keys))


def window_ranking(query: np.ndarray, raws: Sequence[Mapping[str, Any]]) -> list[str]:
    """Keys of the window's hits that carry a vector, closest to the query first."""
    keyed: list[tuple[float, int, str]] = []
    for n, raw in enumerate(raws):
        vec = read_vector(raw["_source"].get(VECTOR_FIELD))
        if vec is not None and vec.shape == query.shape:
            keyed.append((-float(vec @ query), n, str(raw["_id"])))
    return [key for _, _, key in sorted(keyed)]


def knn_query(
    query: np.ndarray, *, size: int, filters: Mapping[str, Any], min_cosine: float = MIN_COSINE
) -> dict[str, Any]:
    """An OpenSearch radial kNN request: neighbours above ``min_cosine`` passing ``filters``.

    The Lucene engine scores cosine space as ``(1 + cos) / 2``.
    """
    knn: dict[str, Any] = {
        "vector": [float(x) for x in np.asarray(query, dtype=np.float32)],
        "min_score": (1.0 + min_cosine) / 2.0,
    }
    if filters:
        knn["filter"] = filters
    return {"size": size, "query": {"knn": {VECTOR_FIELD: knn}}}


class EngineVectors:
    """The vector half of :class:`search.elastic.ElasticsearchBackend` (mixed into it).

    Relies on the backend's client helpers (``_search``, ``_streaming_bulk``, ``_guard``,
    ``_hit``, ``_source``, ``_facet_counts``) and attributes (``encoder``, ``dense_window``).
    """

    vector_kind: VectorKind = "binary"
    encoder: Encoder | None
    dense_window: int
    alias: str
    client: Any
    refresh: Any
    not_found: type[Exception]
    errors: type[Exception]
    _vectors_mapped: bool = False

    # -- the index's vector fields ----------------------------------------------------------

    def has_vectors(self) -> bool:
        """Whether every index behind the alias maps the vector fields (an encoder is set
        and the index was created with one, or could be given them)."""
        if self.encoder is None:
            return False
        if self._vectors_mapped:
            return True
        with self._guard("read the mapping"):  # type: ignore[attr-defined]
            try:
                mappings = self.client.indices.get_mapping(index=self.alias)
            except self.not_found:
                return False
        props = [m["mappings"].get("properties", {}) for m in mappings.values()]
        self._vectors_mapped = bool(props) and all(VECTOR_FIELD in p for p in props)
        return self._vectors_mapped

    def add_vector_mapping(self) -> bool:
        """Give an index created without an encoder the vector fields, where the engine
        allows it (a ``binary`` field can be added; a ``knn_vector`` needs an index created
        with ``index.knn``, so OpenSearch needs a rebuild). Returns whether they are there."""
        if self.encoder is None or self.has_vectors():
            return self.encoder is not None
        fields = mapping_fields(self.vector_kind, self.encoder.dim)
        try:
            self.client.indices.put_mapping(index=self.alias, body={"properties": fields})
        except self.errors:
            return False
        return self.has_vectors()

    # -- the backend's vector capability (search.base.KeepsVectors) ------------------------

    @property
    def keeps_vectors(self) -> bool:
        return self.encoder is not None

    @property
    def searches_vectors(self) -> bool:
        """OpenSearch's kNN ranks the whole index; Elasticsearch 7.17 OSS cannot (no
        ``dense_vector``, no ``script_score``): it only re-ranks a BM25 window."""
        return self.encoder is not None and self.vector_kind == "knn"

    def dense_search(
        self, vector: Any, *, types: Sequence[str] = (), limit: int = 100
    ) -> list[tuple[str, str, float]]:
        """``(type, id, cosine)`` of the ``limit`` nearest documents of ``types`` (approximate
        kNN in the HNSW graph, the type filter applied inside the graph search); empty on an
        engine that cannot, or an index created without vectors (a rebuild adds them)."""
        if not self.searches_vectors or limit <= 0 or not self.has_vectors():
            return []
        knn: dict[str, Any] = {
            "vector": [float(x) for x in np.asarray(vector, dtype=np.float32)],
            "k": max(limit, KNN_CANDIDATES),
        }
        if types:
            knn["filter"] = {"bool": {"filter": [{"terms": {"type": list(types)}}]}}
        body = {"size": limit, "query": {"knn": {VECTOR_FIELD: knn}}, "_source": ["type", "id"]}
        with self._guard("search by meaning"):  # type: ignore[attr-defined]
            raws = self._search(body)["hits"]["hits"]  # type: ignore[attr-defined]
        # The Lucene engine scores cosine space as (1 + cos) / 2.
        return [
            (
                str(raw["_source"]["type"]),
                str(raw["_source"]["id"]),
                2.0 * float(raw["_score"]) - 1.0,
            )
            for raw in raws
        ]

    # -- writing vectors --------------------------------------------------------------------

    def _encode_documents(self, docs: Sequence[SearchDocument]) -> dict[str, tuple[str, Any]]:
        """``key -> (text digest, vector value)`` of documents, encoded now."""
        encoder = self.encoder
        if encoder is None or not docs or not self.has_vectors():
            return {}
        texts = [_text(doc) for doc in docs]
        vectors = encoder.encode_documents(texts)
        return {
            doc.key: (text_digest(encoder, text), vector_value(self.vector_kind, vec))
            for doc, text, vec in zip(docs, texts, vectors, strict=True)
        }

    def _vector_source(self, vector: tuple[str, Any] | None) -> dict[str, Any]:
        if vector is None or self.encoder is None:
            return {}
        text_hash, value = vector
        return {VECTOR_FIELD: value, MODEL_FIELD: model_tag(self.encoder), DIGEST_FIELD: text_hash}

    def _carried_vectors(self, docs: Sequence[SearchDocument]) -> dict[str, tuple[str, Any]]:
        """Vectors of the live index that still fit the documents' text (for a rebuild)."""
        encoder = self.encoder
        if encoder is None or not docs or not self.has_vectors():
            return {}
        body = {
            "size": len(docs),
            "query": {"ids": {"values": [d.key for d in docs]}},
            "_source": [VECTOR_FIELD, MODEL_FIELD, DIGEST_FIELD],
        }
        try:
            raws = self._search(body)["hits"]["hits"]  # type: ignore[attr-defined]
        except self.not_found:
            return {}
        tag = model_tag(encoder)
        stored = {
            raw["_id"]: raw["_source"]
            for raw in raws
            if raw["_source"].get(MODEL_FIELD) == tag and VECTOR_FIELD in raw["_source"]
        }
        carried = {}
        for doc in docs:
            source = stored.get(doc.key)
            if source is not None and source.get(DIGEST_FIELD) == text_digest(encoder, _text(doc)):
                carried[doc.key] = (source[DIGEST_FIELD], source[VECTOR_FIELD])
        return carried

    def pending_vectors(self) -> int:
        """Documents that still lack a vector of the current model."""
        if self.encoder is None or not self.has_vectors():
            return 0
        body = {"query": self._missing_query()}
        with self._guard("count documents"):  # type: ignore[attr-defined]
            return int(self.client.count(index=self.alias, body=body)["count"])

    def _missing_query(self) -> dict[str, Any]:
        assert self.encoder is not None
        return {"bool": {"must_not": [{"term": {MODEL_FIELD: model_tag(self.encoder)}}]}}

    def fill_vectors(
        self,
        *,
        batch_size: int = 64,
        limit: int | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Encode the documents that lack a vector of the current model, a batch at a time,
        and return how many were written.

        Resumable by construction: the documents still to do are those without the current
        ``embedding_model``, so a fill stopped anywhere continues where it was. Never blocks
        writes and never overwrites a newer one: each document is written back only if its
        sequence number is unchanged (a write meanwhile carries its own vector); such a
        document is counted as skipped. ``progress(written, skipped)`` runs after each batch.
        """
        if self.encoder is None or not self.has_vectors():
            return 0
        written = skipped = 0
        after: list[Any] | None = None
        while limit is None or written + skipped < limit:
            size = batch_size if limit is None else min(batch_size, limit - written - skipped)
            body: dict[str, Any] = {
                "size": size,
                "query": self._missing_query(),
                "sort": [{"key": "asc"}],
                "seq_no_primary_term": True,
                "_source": ["type", "id", "src", "published_at", "facets", "numbers"],
            }
            if after is not None:
                body["search_after"] = after
            with self._guard("find documents without vectors"):  # type: ignore[attr-defined]
                raws = self._search(body)["hits"]["hits"]  # type: ignore[attr-defined]
            if not raws:
                break
            after = raws[-1]["sort"]
            docs = [_document(raw["_source"]) for raw in raws]
            vectors = self._encode_documents(docs)
            actions = [
                {
                    "_op_type": "index",
                    "_index": raw["_index"],
                    "_id": raw["_id"],
                    "if_seq_no": raw["_seq_no"],
                    "if_primary_term": raw["_primary_term"],
                    "_source": self._source(doc, vectors.get(doc.key)),  # type: ignore[attr-defined]
                }
                for raw, doc in zip(raws, docs, strict=True)
            ]
            with self._guard("write vectors"):  # type: ignore[attr-defined]
                results = self._streaming_bulk(  # type: ignore[attr-defined]
                    actions, chunk_size=len(actions), refresh=self.refresh
                )
                for ok, raw_item in results:
                    op, item = next(iter(raw_item.items()))
                    if ok:
                        written += 1
                    elif item.get("status") == 409:
                        skipped += 1
                    else:
                        raise SearchUnavailable(
                            f"could not write a vector ({op}): {item.get('error')}"
                        )
            if progress is not None:
                progress(written, skipped)
        return written

    # -- hybrid reading ---------------------------------------------------------------------

    def _query_vector(self, query: SearchQuery, analyzed: AnalyzedQuery) -> np.ndarray | None:
        """The query's vector when its first pages are ranked hybrid, else ``None``."""
        if (
            self.encoder is None
            or not query.by_meaning
            or analyzed.is_empty
            or query.sort != "relevance"
            or query.offset >= self.dense_window
            or not self.has_vectors()
        ):
            return None
        parsed = parse_query(query.text)
        text = " ".join((*parsed.terms, *parsed.phrases)).strip()
        if not text:
            return None
        vec: np.ndarray = self.encoder.encode_queries([text[:DOCUMENT_CHARS]])[0]
        return vec

    def _hybrid_page(
        self,
        query: SearchQuery,
        body: Mapping[str, Any],
        filters: Mapping[str, Any],
        dense: np.ndarray,
        terms: Sequence[str],
    ) -> SearchPage:
        """The BM25 window and the dense ranking fused; one page of the fused head."""
        window = max(self.dense_window, query.offset + query.size)
        request = {**body, "from_": 0, "size": window}
        source = ["type", "id", "src", "published_at"]
        if self.vector_kind == "binary":
            request["_source"] = [*source, VECTOR_FIELD]
        with self._guard("search"):  # type: ignore[attr-defined]
            response = self._search(request)  # type: ignore[attr-defined]
            raws = response["hits"]["hits"]
            by_key = {str(raw["_id"]): raw for raw in raws}
            if self.vector_kind == "knn":
                knn = {**knn_query(dense, size=window, filters=filters), "_source": source}
                near = self._search(knn)["hits"]["hits"]  # type: ignore[attr-defined]
                dense_keys = [str(raw["_id"]) for raw in near]
                for raw in near:
                    by_key.setdefault(str(raw["_id"]), raw)
            else:
                dense_keys = window_ranking(dense, raws)
        fused = fuse(list(by_key)[: len(raws)], dense_keys)
        total = int(response["hits"]["total"]["value"])
        if total <= len(raws):  # the window holds every text match: the rest are extra
            total += len(fused.dense_only)
        hits = [
            replace(
                self._hit(by_key[key], terms, mark=query.highlight),  # type: ignore[attr-defined]
                score=round(fused.scores[key], 6),
            )
            for key in fused.keys[query.offset : query.offset + query.size]
        ]
        return SearchPage(
            total=total,
            hits=hits,
            facets=self._facet_counts(query, response),  # type: ignore[attr-defined]
            page=query.page,
            size=query.size,
        )


def _text(doc: SearchDocument) -> str:
    return document_text(doc.title, doc.keywords, doc.summary, doc.body)


def _document(source: Mapping[str, Any]) -> SearchDocument:
    """A document rebuilt from its indexed ``_source`` (the original text is kept there)."""
    src = source.get("src", {})
    published = source.get("published_at")
    return SearchDocument(
        source["type"],
        source["id"],
        src.get("title", ""),
        keywords=list(src.get("keywords", [])),
        summary=src.get("summary", ""),
        body=src.get("body", ""),
        facets=dict(source.get("facets", {})),
        numbers=dict(source.get("numbers", {})),
        published_at=datetime.fromisoformat(published) if published else None,
    )
