"""The documentation site builds warning-free (Sphinx -W): every page, the API reference from the docstrings,
the notebooks (rendered without executing them here: tests/test_notebooks.py runs them; the documented build
executes them, README)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_site_builds_without_a_warning(tmp_path):
    pytest.importorskip("myst_nb", reason="the docs site needs Sphinx and MyST-NB: pip install -e '.[test]'")
    run = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(ROOT / "docs"),
                          str(tmp_path / "html")], capture_output=True, text=True, timeout=900,
                         env={**os.environ, "BEA_DOCS_EXECUTE": "0"})
    assert run.returncode == 0, run.stderr[-3000:]
    pages = {p.name for p in (tmp_path / "html").rglob("*.html")}
    assert {"index.html", "reference.html", "cancellation.html", "01_tour.html", "11_bseries.html"} <= pages
    reference = (tmp_path / "html" / "reference.html").read_text()
    assert "bea.derive" in reference and "Returns" in reference            # the docstrings, rendered
