"""The two interpreters of a scheme's update function (:mod:`bea.schemes.define`).

* :class:`SeriesInterpreter` traces the update into the B-series of the one-step map
  (:mod:`bea.algebra.series`).  Its values are series: a point ``z = y + B(a, y)`` is the series
  ``a``; a field value ``c h F_l(z)`` is :func:`~bea.algebra.series.field_increment` [HLW06, Lemma
  III.1.9].  ``repeat(m, body)`` uses the Lie-group identity ``body^m = exp(m log body)``:
  the body, traced from the identity, is a near-identity map; ``log body`` is its
  modified field with time ``h``, and ``m`` runs are the exact flow of ``m log body`` --
  exact for symbolic ``m`` [Ros23, Sec 4.2.2].  That flow is composed after the point it
  starts from, through the point's own modified field.  ``solve`` iterates the implicit
  equation: each pass fixes the trees of one more size, because fields see only the
  children of a tree.  Past iterates are the flow of a given field backwards in time.
* :class:`NumericInterpreter` runs the update on numbers (floats, mpmath, NumPy arrays or
  linear forms): the discrete update itself, which validation and the principal flow
  compare against.  Past iterates must then be supplied.

:func:`trace` is the one place a scheme's function is called.
"""

from __future__ import annotations

from typing import Callable

import sympy

from .define import Fields, StepSize, Value, coefficient
from ..errors import BeaError, ParameterError, ProblemError, SchemeError
from ..algebra.rings import ring_for, widening
from ..algebra.trees import trees_up_to
from ..algebra.series import compose_after_flow, field_increment, flow, linear_combination, modified_field

__all__ = ["SeriesInterpreter", "NumericInterpreter", "trace", "one_step_map", "run_numerically",
           "uses_previous_iterates", "linearised_step"]


def trace(scheme, start: Value) -> Value:
    """Call the scheme's update function on the state ``start``; return the new state."""
    interpreter = start.interpreter
    interpreter.blocks = scheme.blocks
    try:
        result = scheme.definition.update(start, Fields(scheme.labels), StepSize(), **scheme.params)
    except BeaError:
        raise
    except RecursionError:
        raise SchemeError(f"the update function of {scheme.name!r} recursed too deeply") from None
    except Exception as error:        # the user's own code: one line naming its error, no traceback
        raise SchemeError(f"the update function of {scheme.name!r} raised {type(error).__name__}: {error}") from None
    if isinstance(result, tuple) and len(result) == 1:
        result = result[0]
    if not isinstance(result, Value) or result.interpreter is not interpreter:
        raise SchemeError(f"the update function of {scheme.name!r} must return the new state, got {result!r}")
    interpreter.require_point(result, "the new state")
    return result


class _Interpreter:
    """What both interpreters share: affine bookkeeping of points and vectors, and the scheme's blocks
    (set by :func:`trace`, for :meth:`~bea.schemes.define.Value.on`)."""

    blocks = None

    def _blocks_named(self, names) -> set:
        if self.blocks is None:
            raise SchemeError("restricting a vector to blocks needs the scheme's blocks")
        unknown = [b for b in names if b not in self.blocks]
        if unknown or not names:
            raise SchemeError(f"on() takes block names of the scheme ({', '.join(self.blocks)}), got "
                              f"{', '.join(map(repr, unknown or names)) or 'none'}")
        return set(names)

    @staticmethod
    def _weight(pairs) -> sympy.Expr:
        """The weight of ``sum c_j v_j``: 1 for a point, 0 for a vector."""
        return sum((c * v.weight for c, v in pairs), sympy.Integer(0))

    def require_point(self, value: Value, what: str) -> None:
        if sympy.simplify(sympy.sympify(value.weight) - 1) != 0:
            raise SchemeError(
                f"{what} is not a point: its weights sum to {value.weight}; a state is the old state plus "
                "increments, or an affine combination of states with weights summing to 1"
            )

    def _check_fixed_point(self, equation, guess):
        values = guess if isinstance(guess, tuple) else (guess,)
        for v in values:
            if v.interpreter is not self:
                raise SchemeError("solve: the guess belongs to another run")
            self.require_point(v, "the guess of solve")
        return values

    def _apply(self, equation, current, shape_of):
        new = equation(current if isinstance(shape_of, tuple) else current[0])
        new = new if isinstance(new, tuple) else (new,)
        if len(new) != len(current) or not all(isinstance(v, Value) and v.interpreter is self for v in new):
            raise SchemeError("solve: the equation must return as many state values as its guess has")
        for v in new:
            self.require_point(v, "the value of the implicit equation")
        return new


class SeriesInterpreter(_Interpreter):
    """Values are series over ``universe`` with coefficients in ``ring``.

    ``past`` is the field whose backward flow gives previous iterates (the slow manifold);
    ``tau`` is the time of one step in units of ``h``.
    """

    def __init__(self, ring, universe, past: dict | None = None, tau=None, by_label: dict | None = None):
        self.ring, self.universe = ring, universe
        self.past, self.tau = past, tau
        self.uses_past = False
        self.max_size = max((t.order for t in universe), default=0)
        if by_label is None:                         # the trees of each root label, for field increments
            by_label = {}
            for t in universe:
                by_label.setdefault(t.label, []).append(t)
        self.by_label = by_label

    def identity(self) -> Value:
        """``y`` itself: the empty series, the flow of the zero field."""
        return Value(self, 1, {}, history=self._previous, generator={})

    def _previous(self, steps: int) -> Value:
        """The point ``steps`` steps back on the flow of ``past``: ``exp(-steps tau past)``."""
        self.uses_past = True
        if self.tau is None:
            raise SchemeError("previous iterates need one time for all blocks (use time='same')")
        field = {t: x * self.ring.coerce(-steps * self.tau) for t, x in (self.past or {}).items()}
        return Value(self, 1, flow(field, self.universe, self.ring.zero))

    def combine(self, pairs) -> Value:
        data = linear_combination({}, [(self.ring.coerce(c), v.data) for c, v in pairs])
        return Value(self, self._weight(pairs), data)

    def project(self, value: Value, names) -> Value:
        """The series' trees whose root lives on the named blocks."""
        keep = self._blocks_named(names)
        return Value(self, 0, {t: x for t, x in value.data.items() if self.blocks.block_of(t.label) in keep})

    def increment(self, label: str, point: Value, c) -> Value:
        return Value(self, 0, field_increment(point.data, {label: self.ring.coerce(c)}, self.by_label.get(label, ())))

    def repeat(self, count, body: Callable, start: Value) -> Value:
        """``body^count`` after ``start``: the flow of ``count log body``, composed after ``start``."""
        self.require_point(start, "the start of repeat")
        if not (count.is_Symbol or (count.is_Integer and count > 0)):
            raise SchemeError(f"repeat needs a positive integer or a symbol, got {count}")
        inner = SeriesInterpreter(self.ring, self.universe, by_label=self.by_label)
        inner.blocks = self.blocks
        run = inner._apply(body, (Value(inner, 1, {}, generator={}),), None)[0]
        field = run.generator if run.generator is not None else self._log(run.data)
        c = self.ring.coerce(count)
        phase = {t: x * c for t, x in field.items()}
        if not start.data:
            return Value(self, 1, flow(phase, self.universe, self.ring.zero), generator=phase)
        generator = start.generator if start.generator is not None else self._log(start.data)
        return Value(self, 1, compose_after_flow(flow(phase, self.universe, self.ring.zero), generator,
                                                 self.universe, self.ring.zero))

    def solve(self, equation: Callable, guess):
        """Fixed-point iteration: after ``k`` passes the trees with ``k`` nodes are exact.

        A contraction ``z = y + h(...)`` forgets where it starts, so the iteration is run from the
        guess and from the guess moved by ``h F`` on every block: both must give the same series.
        An equation that keeps its start (``z = z``) does not determine ``z`` and is refused.
        """
        current = self._check_fixed_point(equation, guess)
        solution = self._iterate(equation, current, guess)
        marker = {t: self.ring.one for t in self.universe if t.order == 1}
        moved = tuple(Value(self, 1, linear_combination(v.data, [(self.ring.one, marker)])) for v in current)
        if any(a.data != b.data for a, b in zip(solution, self._iterate(equation, moved, guess))):
            raise SchemeError("solve: the solution depends on the guess, so the equation does not determine z "
                              "(it is not of the form z = y + h(...), e.g. z = z)")
        return solution if isinstance(guess, tuple) else solution[0]

    def _iterate(self, equation, current, guess) -> tuple:
        for _ in range(self.max_size):
            current = self._apply(equation, current, guess)
        again = self._apply(equation, current, guess)
        if any(a.data != b.data for a, b in zip(again, current)):
            raise SchemeError(
                "solve: the implicit equation is not of the form z = y + h(...) near h = 0, "
                "so its solution is not a series in h the engine can expand"
            )
        return current

    def _log(self, a: dict) -> dict:
        """The modified field of the map ``a`` with the same time ``h`` for every block."""
        same = dict.fromkeys({t.label for t in self.universe}, self.ring.one)
        return modified_field(a, self.universe, same, self.ring.inverse, self.ring.zero)


class NumericInterpreter(_Interpreter):
    """Values are lists of state entries (numbers, mpmath numbers, arrays or linear forms).

    ``field(label, state)`` returns the field's values on its block, ``slices`` maps each
    label to its block's positions, ``history(j)`` is the state ``j`` steps back.
    """

    def __init__(self, h, slices: dict, field: Callable, size: int, history=None, tolerance=None):
        self.h, self.slices, self.field, self.size = h, slices, field, size
        self.history, self.tolerance = history, tolerance

    def identity(self, state: list) -> Value:
        """The concrete state ``state``."""
        return Value(self, 1, list(state), history=self._previous)

    def _previous(self, steps: int) -> Value:
        if self.history is None:
            raise SchemeError(f"this scheme needs the iterate {steps} step(s) back; give it as history")
        return Value(self, 1, list(self.history(steps)))

    def combine(self, pairs) -> Value:
        data = [0] * self.size
        for c, v in pairs:
            scale = _scaling(c)
            for i, x in enumerate(v.data):
                if not (type(x) is int and x == 0):
                    data[i] = data[i] + scale(x)
        return Value(self, self._weight(pairs), data)

    def project(self, value: Value, names) -> Value:
        """The entries of the named blocks (the positions of their fields), zero elsewhere."""
        keep = self._blocks_named(names)
        positions = {i for label, block in self.blocks.owner.items() if block in keep for i in self.slices[label]}
        return Value(self, 0, [x if i in positions else 0 for i, x in enumerate(value.data)])

    def increment(self, label: str, point: Value, c) -> Value:
        step = _scaling(c)(self.h)
        data = [0] * self.size
        try:
            values = self.field(label, point.data)
        except BeaError:
            raise
        except Exception as error:          # e.g. log(0) or a division by zero in the user's field
            raise ProblemError(f"the field {label} cannot be evaluated at a state of the step: "
                               f"{type(error).__name__}: {error or 'no value'}") from None
        for i, value in zip(self.slices[label], values):
            data[i] = step * value
        return Value(self, 0, data)

    def repeat(self, count, body: Callable, start: Value) -> Value:
        self.require_point(start, "the start of repeat")
        if not (count.is_Integer and count > 0):
            raise ParameterError(f"the number of repetitions {count} must be given as a positive integer")
        inner = NumericInterpreter(self.h, self.slices, self.field, self.size, tolerance=self.tolerance)
        inner.blocks = self.blocks
        state = start.data
        for _ in range(int(count)):
            state = inner._apply(body, (Value(inner, 1, list(state)),), None)[0].data
        return Value(self, 1, state)

    def solve(self, equation: Callable, guess, max_passes: int = 2000):
        """Fixed-point iteration until the iterates stop changing (to the working precision)."""
        current = self._check_fixed_point(equation, guess)
        for _ in range(max_passes):
            new = self._apply(equation, current, guess)
            if all(self._converged(a.data, b.data) for a, b in zip(current, new)):
                return new if isinstance(guess, tuple) else new[0]
            current = new
        raise SchemeError(f"solve: the fixed-point iteration did not converge in {max_passes} passes (is h too large?)")

    def _converged(self, old: list, new: list) -> bool:
        for a, b in zip(old, new):
            if isinstance(a, sympy.Basic) or isinstance(b, sympy.Basic) or getattr(b, "dtype", None) == object:
                raise SchemeError("implicit schemes cannot be run in exact arithmetic; use floating point "
                                  "(for the principal flow: method='schur' or 'eig')")
            if _magnitude(b - a) > (self.tolerance or 4e-16) * (1 + _magnitude(b)):
                return False
        return True


def _magnitude(x) -> float:
    """The largest absolute value in a number or an array."""
    import numpy as np

    return float(np.max(np.abs(np.asarray(x, dtype=complex)))) if hasattr(x, "__len__") else float(abs(x))


def uses_previous_iterates(scheme) -> bool:
    """Whether one step of the scheme reads past iterates (traced on single-node trees)."""
    (_, uses_past), _ = widening(ring_for(scheme.values, divides=True),
                                 lambda ring: one_step_map(scheme, ring, trees_up_to(1, scheme.labels)))
    return uses_past


def one_step_map(scheme, ring, universe, past=None) -> tuple[dict, bool]:
    """The series (minus identity) of one step, and whether the step used previous iterates."""
    interpreter = SeriesInterpreter(ring, universe, past, _common_time(scheme))
    return trace(scheme, interpreter.identity()).data, interpreter.uses_past


def run_numerically(scheme, state: list, h, slices: dict, field: Callable, history=None, tolerance=None) -> list:
    """One step of the scheme on a concrete state: the discrete update itself, not its series."""
    interpreter = NumericInterpreter(h, slices, field, len(state), history, tolerance)
    return trace(scheme, interpreter.identity(state)).data


def linearised_step(scheme, slices: dict, values: dict, n: int, h, exact: bool) -> tuple[list, object]:
    """One step of the scheme on the problem linearised at a point: ``([A_0, ..., A_q], c)`` with

        delta_+ = A_0 delta_0 + A_1 delta_{-1} + ... + A_q delta_{-q} + c,

    ``delta_{-j}`` the deviation of the iterate ``j`` steps back (``q = 0`` for one-step methods).
    ``values[label] = (F_l, A_l)`` are the field and its Jacobian (rows of the block, columns of the
    whole state of size ``n``) at the point.  The update function runs on linear forms in
    ``(delta_0, ..., delta_{-q}, 1)``: exact SymPy entries when ``exact``, else complex NumPy.
    """
    import numpy as np

    lags = [0]

    def probe_history(j):
        lags.append(j)
        return list(forms(n + 1, 0))

    def forms(m, lag):
        out = np.zeros((n, m), dtype=object if exact else complex)
        for i in range(n):
            out[i, lag * n + i] = 1
        if exact:
            out = np.vectorize(sympy.Integer, otypes=[object])(out)
        return out

    def run(m, history):
        constant = forms(m, 0)[0] * 0
        constant[m - 1] = 1

        def field(label, state):
            F, A = values[label]
            A = np.array(A.tolist(), dtype=object) if exact else np.asarray(A)
            return list(A.dot(np.array(state)) + np.outer(F, constant))

        return np.array(run_numerically(scheme, list(forms(m, 0)), h, slices, field, history=history))

    run(n + 1, probe_history)                  # which past iterates does one step read?
    q = max(lags)
    m = n * (q + 1) + 1
    image = run(m, lambda j: list(forms(m, j)))
    blocks = [image[:, j * n:(j + 1) * n] for j in range(q + 1)]
    return blocks, image[:, m - 1]


def _common_time(scheme):
    times = set(scheme.times.values())
    return times.pop() if len(times) == 1 else None


def _scaling(c) -> Callable:
    """``x -> c x`` for an exact step factor: ``x * p / q`` for a rational (exact on every number
    type); for a root of rationals such as ``sqrt(3)/6`` or a symbol, ``c`` as the number type of ``x``
    needs it: SymPy (exact linear forms, where symbols may stay), mpmath at the working precision,
    or a float (both refuse symbols)."""
    c = coefficient(c)
    if c.is_Rational:
        p, q = int(c.p), int(c.q)
        return (lambda x: x) if p == q == 1 else (lambda x: x * p / q)

    def scale(x):
        import mpmath

        sample = x.flat[0] if getattr(x, "size", 0) else x
        if isinstance(sample, sympy.Basic):
            return x * c                          # exact linear forms: symbols are welcome
        if c.free_symbols:
            raise ParameterError(f"the step factor {c} still has symbolic parameters; give their values")
        if isinstance(sample, (mpmath.mpf, mpmath.mpc)):
            return x * mpmath.mpf(str(sympy.N(c, mpmath.mp.dps + 10)))
        return x * float(c)
    return scale
