"""Analyses of a derived flow on concrete problems: stability, validation, gradient systems and losses, the principal flow (internal)."""
