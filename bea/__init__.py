"""bea -- backward error analysis of optimisers.

>>> import bea
>>> flow = bea.derive("alternating", order=2, m=1, k=1, time="per-player")
>>> flow.coefficient("theta", "g[f]")
v_phi - v_theta/2
"""

from .define import repeat, scheme, solve
from .derive import derive, principal
from .errors import BeaError, BudgetError, OrderError, ParameterError, ProblemError, SchemeError, TreeSyntaxError
from .flow import ModifiedFlow, Term
from .principal_flow import PrincipalFlow, SingularFlowError, principal_flow
from .stability import Stability
from .schemes import SCHEMES
from . import params

__all__ = [
    "derive",
    "principal",
    "principal_flow",
    "PrincipalFlow",
    "Stability",
    "SingularFlowError",
    "ModifiedFlow",
    "Term",
    "SCHEMES",
    "scheme",
    "repeat",
    "solve",
    "BeaError",
    "SchemeError",
    "ParameterError",
    "OrderError",
    "TreeSyntaxError",
    "ProblemError",
    "BudgetError",
    "params",
]

__version__ = "0.1.0"
