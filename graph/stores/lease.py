"""The write lease on a SPARQL store: claim, then check sole claim; renew during long uploads; clear dead ones.

A lease is a resource in the store's meta graph, so it holds across machines; it lapses after LEASE_S
unless renewed, and its IRI fences the pointer swap (a lapsed lease moves nothing).
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import socket
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

from rdflib import Literal, URIRef

from graph import settings
from graph.ns import EP, ID
from graph.stores.base import META, StoreError, now

LEASE_S = 300.0  # a crashed ingest's lock on a SPARQL store expires after this long
_UNRELEASED: set[str] = set()  # lease tokens this process could not release (the server was away)


def lease_iri(token: str) -> URIRef:
    return ID[f"store/lease/{token}"]


def expiry(at: datetime) -> Literal:
    """When a lease taken or renewed at ``at`` lapses, unless renewed."""
    return Literal((at + timedelta(seconds=LEASE_S)).isoformat(timespec="seconds"),
                   datatype=URIRef("http://www.w3.org/2001/XMLSchema#dateTime"))


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Lease:
    """A held write lease: renewing it keeps a long upload from lapsing; its IRI fences the pointer swap."""

    def __init__(self, client, token: str):
        self.client, self.iri, self.renewed = client, lease_iri(token), time.monotonic()

    def renew(self) -> None:
        if time.monotonic() - self.renewed < LEASE_S / 3:
            return
        later = expiry(now())
        self.client.update(f"""DELETE {{ GRAPH <{META}> {{ <{self.iri}> <{EP.lockedUntil}> ?t }} }}
            INSERT {{ GRAPH <{META}> {{ <{self.iri}> <{EP.lockedUntil}> {later.n3()} }} }}
            WHERE {{ GRAPH <{META}> {{ <{self.iri}> <{EP.lockedUntil}> ?t }} }}""")
        self.renewed = time.monotonic()


class LeaseHolder:
    """Taking and giving back the lease, over any object with ``select``, ``update`` and ``location``."""

    def _lease_rows(self) -> list[dict]:
        return self.select(f"""SELECT ?o ?h ?t WHERE {{ GRAPH <{META}> {{ ?l a <{EP.WriteLease}> ;
                               <{EP.lockedBy}> ?o ; <{EP.lockHolder}> ?h ; <{EP.lockedUntil}> ?t }} }}""")

    def _clear_stale_lease(self) -> None:
        """A lease whose holder is provably gone (a token this process could not release, or a process of
        this host that no longer runs) is cleared now instead of blocking ingests until it expires."""
        host = socket.gethostname()
        for row in self._lease_rows():
            m = re.fullmatch(r"(.*) pid (\d+)", row.get("h", ""))
            gone = row.get("o") in _UNRELEASED or (m and m.group(1) == host and not pid_alive(int(m.group(2))))
            if gone:
                self._release(row["o"])

    def _release(self, token: str) -> None:
        self.update(f"DELETE WHERE {{ GRAPH <{META}> {{ <{lease_iri(token)}> ?p ?o }} }}")
        _UNRELEASED.discard(token)

    def _claim(self, token: str, holder: str) -> bool:
        """Write a claim unless a live one exists, then win only if it is the sole claim.

        An insert-if-absent alone is not a lock: stores that run updates at snapshot isolation (Oxigraph
        among them) let two claimers each see none and both insert. Checking after one's own claim has
        committed closes that: of two overlapping claims, the later committed is seen by the other's
        check or sees the other's, so at least one backs off and two can never both hold the lease.
        """
        at = now()
        until = expiry(at)
        lease = lease_iri(token)
        self.update(f"""
            DELETE {{ GRAPH <{META}> {{ ?l ?p ?o }} }}
            WHERE {{ GRAPH <{META}> {{ ?l a <{EP.WriteLease}> ; <{EP.lockedUntil}> ?t ; ?p ?o }}
                     FILTER (STR(?t) < "{at.isoformat(timespec='seconds')}") }} ;
            INSERT {{ GRAPH <{META}> {{ <{lease}> a <{EP.WriteLease}> ; <{EP.lockedBy}> "{token}" ;
                          <{EP.lockedUntil}> {until.n3()} ; <{EP.lockHolder}> {Literal(holder).n3()} }} }}
            WHERE {{ FILTER NOT EXISTS {{ GRAPH <{META}> {{ ?l a <{EP.WriteLease}> }} }} }}""")
        tokens = [r.get("o") for r in self._lease_rows()]
        if tokens == [token]:
            return True
        if token in tokens:  # two claims met: step back, and retry after a random pause
            self._release(token)
        return False

    @contextlib.contextmanager
    def _lease(self) -> Iterator[Lease]:
        token, holder = uuid.uuid4().hex, f"{socket.gethostname()} pid {os.getpid()}"
        wait = settings.get("EP_STORE_LOCK_WAIT")
        deadline = time.monotonic() + wait
        self._clear_stale_lease()
        while not self._claim(token, holder):
            if time.monotonic() > deadline:
                rows = [r for r in self._lease_rows() if r.get("o") != token]
                who = rows[0].get("h", "another ingest") if rows else "another ingest"
                raise StoreError(f"{who} is writing to the SPARQL store {self.location} (waited "
                                 f"{wait:g} s); try again when it finishes")
            time.sleep(random.uniform(0.2, 1.0))
        try:
            yield Lease(self, token)
        finally:
            try:
                self._release(token)
            except StoreError:
                _UNRELEASED.add(token)  # the server is away: released by this process's next ingest
