"""Readers of the graph: paths, assumption chains, case links, assessment, pathways, export, drawing, resolve."""
