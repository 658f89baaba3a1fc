"""Collection rules for the doctests of ``bea/`` (pytest runs ``--doctest-modules`` over it)."""

import importlib.util

_JAX_MODULES = ("bea/jax.py", "bea/models/jax_backend.py")
_HAS_JAX = importlib.util.find_spec("jax") is not None


def pytest_ignore_collect(collection_path, config):
    """Without JAX the JAX backend's two modules cannot be imported (their doctests are not collected;
    the header says so, and tests/test_jax.py reports its skip)."""
    return True if not _HAS_JAX and collection_path.as_posix().endswith(_JAX_MODULES) else None


def pytest_report_header(config):
    if not _HAS_JAX:
        return "JAX is not installed: the doctests of bea/jax.py and bea/models/jax_backend.py are not collected " \
               "and tests/test_jax.py is skipped (pip install 'bea[jax]'; the test extra installs it)"
    return None
