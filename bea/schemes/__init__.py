"""Schemes: parameter kinds, the @scheme definition language, tracing an update into a program, Runge-Kutta tableaux and the built-in optimisers (internal)."""
