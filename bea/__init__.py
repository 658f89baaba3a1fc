"""bea -- backward error analysis of optimisers.

The public API is this page: every name below is documented in docs/api.md; everything else
in the package is internal (docs/architecture.md is the map).  Names load on first use, so
``import bea`` costs only this module and :mod:`bea.errors`.

>>> import bea
>>> flow = bea.derive("alternating", order=2, m=1, k=1, time="per-player")
>>> flow.coefficient("theta", "g[f]")
v_phi - v_theta/2
"""

from importlib import import_module

from .errors import (BeaError, BudgetError, OrderError, ParameterError, ProblemError, SchemeError,
                     SingularFlowError, TreeSyntaxError)

#: name -> (module under bea, attribute; None for the module itself)
_PUBLIC = {
    # derivations (scheme -> series -> solve -> result)
    "derive": ("engine.derive", "derive"),
    "principal": ("engine.derive", "principal"),
    "modify": ("engine.derive", "modify"),
    "iterate_average": ("engine.averaging", "iterate_average"),
    "ModifiedFlow": ("result", "ModifiedFlow"),
    "load": ("result", "load"),
    "Term": ("result", "Term"),
    "Tree": ("algebra.trees", "Tree"),
    "parse_tree": ("algebra.trees", "parse_tree"),
    # B-series: one-step maps, exact flows and their algebra; order and structure
    "BSeries": ("engine.bseries", "BSeries"),
    "one_step_map": ("engine.bseries", "one_step_map"),
    "exact_flow": ("engine.bseries", "exact_flow"),
    "bseries": ("engine.bseries", "bseries"),
    "combine": ("engine.bseries", "combine"),
    "order": ("analysis.order", "order"),
    "symplectic": ("analysis.order", "symplectic"),
    "symmetric": ("analysis.order", "symmetric"),
    "energy_preserving": ("analysis.order", "energy_preserving"),
    "effective_order": ("analysis.order", "effective_order"),
    "conjugate_symplectic": ("analysis.order", "conjugate_symplectic"),
    # schemes
    "scheme": ("schemes.define", "scheme"),
    "repeat": ("schemes.define", "repeat"),
    "solve": ("schemes.define", "solve"),
    "SCHEMES": ("schemes.builtins", "SCHEMES"),
    "params": ("schemes.params", None),
    # analysis of results
    "validate": ("analysis.validate", "validate"),
    "Validation": ("analysis.validate", "Validation"),
    "modified_loss": ("analysis.losses", "modified_loss"),
    "ModifiedLoss": ("analysis.losses", "ModifiedLoss"),
    "potential": ("analysis.losses", "potential"),
    "cancel": ("analysis.cancel", "cancel"),
    "Cancellation": ("analysis.cancel", "Cancellation"),
    "regularised": ("analysis.cancel", "regularised"),
    "gradient_system": ("analysis.gradient", "gradient_system"),
    "principal_flow": ("analysis.principal_flow", "principal_flow"),
    "spectral": ("analysis.spectral", "spectral"),
    "Spectral": ("analysis.spectral", "Spectral"),
    "stability_region": ("analysis.stability_region", "stability_region"),
    "one_step_drift": ("analysis.drift", "one_step_drift"),
    "momentum_drift": ("analysis.drift", "momentum_drift"),
    "loss_change": ("analysis.drift", "loss_change"),
    "eos": ("analysis.eos", None),
    "PrincipalFlow": ("analysis.principal_flow", "PrincipalFlow"),
    "Stability": ("analysis.stability", "Stability"),
    "MethodStability": ("analysis.stability", "MethodStability"),
    # concrete problems and the papers
    "step": ("concrete.step", "step"),
    "problems": ("concrete.library", None),
    "get_problem": ("concrete.library", "get_problem"),
    "paper": ("papers", "entry"),
    "references": ("references", "REFERENCES"),
}

__all__ = ["BeaError", "SchemeError", "ParameterError", "OrderError", "TreeSyntaxError", "ProblemError",
           "BudgetError", "SingularFlowError", *_PUBLIC]

__version__ = "0.1.0"


def __getattr__(name: str):
    """Load a public name on first use (PEP 562)."""
    try:
        module, attribute = _PUBLIC[name]
    except KeyError:
        raise AttributeError(f"module 'bea' has no attribute {name!r}") from None
    value = import_module(f".{module}", __name__)
    if attribute is not None:
        value = getattr(value, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
