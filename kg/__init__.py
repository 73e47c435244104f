"""Kazcinema: the knowledge graph library (facts, RDF, store, exports). Never imports flask."""
