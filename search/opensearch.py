"""OpenSearch backend: the maintained engine of the scale path, for OpenSearch 2.19.

The index layout, mapping, queries and rebuild are :class:`search.elastic.ElasticsearchBackend`'s:
OpenSearch 2.x speaks the Elasticsearch 7 REST dialect for everything the backend sends. What
differs is the client: the Elasticsearch 7.17 client refuses a server that is not Elasticsearch,
so this one uses ``opensearch-py``, whose methods take the request as ``body=`` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError, OpenSearchException, TransportError
from opensearchpy.helpers import streaming_bulk

from search.elastic import ElasticsearchBackend


class OpenSearchBackend(ElasticsearchBackend):
    """:class:`search.base.SearchBackend` on an OpenSearch 2.x cluster."""

    name = "opensearch"
    engine = "OpenSearch"
    vector_kind = "knn"
    errors = OpenSearchException
    not_found = NotFoundError
    transport_error = TransportError

    def _connect(self, hosts: list[str], timeout: float) -> Any:
        return OpenSearch(hosts, timeout=timeout, max_retries=1, retry_on_timeout=False)

    def _cluster_health(self) -> dict[str, Any]:
        # The client reads a bare ``timeout`` as its own HTTP timeout unless
        # ``request_timeout`` is given; then it reaches the server as the health wait.
        health: dict[str, Any] = self.client.cluster.health(timeout="2s", request_timeout=10)
        return health

    def _create_index(self, name: str, *, alias: str, loading: bool = False) -> None:
        body = {
            "settings": self._index_settings(loading),
            "mappings": self._index_mapping(),
            "aliases": {alias: {}},
        }
        self.client.indices.create(index=name, body=body)

    def _streaming_bulk(self, actions: Iterable[dict[str, Any]], **options: Any) -> Any:
        return streaming_bulk(self.client, actions, raise_on_error=False, **options)

    def _search(self, body: Mapping[str, Any]) -> dict[str, Any]:
        request = dict(body)
        if "from_" in request:
            request["from"] = request.pop("from_")
        response: dict[str, Any] = self.client.search(index=self.alias, body=request)
        return response
