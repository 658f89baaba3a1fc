"""The errors bea raises for bad input: all are ``ValueError`` subclasses."""

__all__ = ["BeaError", "SchemeError", "ParameterError", "OrderError", "TreeSyntaxError", "ProblemError", "BudgetError"]


class BeaError(ValueError):
    """Bad input to bea; the message names what was wrong."""


class SchemeError(BeaError):
    """An unknown scheme, or an option the scheme does not take."""


class ParameterError(BeaError):
    """An unknown parameter, a value that does not parse, or a value out of range."""


class OrderError(BeaError):
    """An order that is not an integer >= 1."""


class TreeSyntaxError(BeaError):
    """A tree whose text form does not parse."""


class ProblemError(BeaError):
    """Fields, variables or a point that do not fit the flow, or at which a field has no value."""


class BudgetError(BeaError):
    """Work whose estimated time or memory is above the budget; the message gives the estimate
    and the option that lifts the limit."""


class SingularFlowError(BeaError):
    """``h lambda = 1`` for an eigenvalue: the step map is singular and ``log(I - h H)`` does not exist."""
