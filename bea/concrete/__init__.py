"""Concrete problems: fields on named variables, their elementary differentials, NumPy code and the built-in problem library (internal)."""
