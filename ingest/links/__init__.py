"""The link stage of ingest: causal links between elements (curated, textual, inferred) and case links."""
