"""The B-series algebra: labelled rooted trees, exact coefficient rings, series of vector fields and their flows (internal)."""
