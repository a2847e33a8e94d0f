"""A small SPARQL 1.1 protocol client: one POST per request, a time limit on each, errors that name the server."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request

from graph.stores.base import StoreError

# What ``oxigraph serve --timeout-s`` does at its limit: it stops the query and appends this line to the
# results it had already streamed (HTTP 200, so the body is cut JSON), or sends it as the error body.
CANCELLED = b"The SPARQL operation has been cancelled"


class ServerTimeout(StoreError):
    """The server stopped the query at its own time limit (a partial answer is never returned as one)."""


class SparqlClient:
    """Query, update and Graph Store Protocol requests to one endpoint (``location``/``update_url``)."""

    location: str
    update_url: str
    timeout: float

    def _request(self, url: str, body: bytes, content_type: str, accept: str = "", timeout: float | None = None
                 ) -> bytes:
        req = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": content_type, **({"Accept": accept} if accept else {})})
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:  # noqa: S310 - configured URL
                body = resp.read()
        except urllib.error.HTTPError as e:
            raw = e.read()
            if CANCELLED in raw:
                raise ServerTimeout(f"the SPARQL endpoint {url} stopped the query at its own time limit") from e
            detail = raw.decode("utf-8", "replace")[:300].strip()
            raise StoreError(f"the SPARQL endpoint {url} refused the request (HTTP {e.code}): {detail}") from e
        except TimeoutError as e:
            raise StoreError(f"the SPARQL endpoint {url} did not answer within {timeout or self.timeout:g} s") from e
        except (urllib.error.URLError, ConnectionError, OSError) as e:
            reason = getattr(e, "reason", e)
            if isinstance(reason, TimeoutError | socket.timeout):
                raise StoreError(f"the SPARQL endpoint {url} did not answer within "
                                 f"{timeout or self.timeout:g} s") from e
            raise StoreError(f"cannot reach the SPARQL endpoint {url} ({reason}); is the server running?") from e
        if body.rstrip().endswith(CANCELLED):
            raise ServerTimeout(f"the SPARQL endpoint {url} stopped the query at its own time limit "
                                f"after {len(body):,} bytes of results; the partial answer is not used")
        return body

    def query_raw(self, query: str, default_graph: str | None = None, timeout: float | None = None,
                  accept: str = "application/sparql-results+json") -> bytes:
        url = self.location
        if default_graph:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode({"default-graph-uri": default_graph})
        return self._request(url, query.encode("utf-8"), "application/sparql-query", accept, timeout)

    def select(self, query: str, default_graph: str | None = None, timeout: float | None = None) -> list[dict]:
        data = json.loads(self.query_raw(query, default_graph, timeout))
        if "boolean" in data:
            return [{"boolean": data["boolean"]}]
        return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]

    def update(self, update: str, timeout: float | None = None) -> None:
        self._request(self.update_url, update.encode("utf-8"), "application/sparql-update", "", timeout)

