"""The top layer's entry points that reach across packages: the ``ep`` console script over every module CLI, and
the glue that hands the search package's pick to the one resolver (``graph/lookup.py``) for the graph CLI.

They live here, not in ``graph/``, because they import ingest and search: ``graph/`` sits below both
(docs/architecture.md).
"""
