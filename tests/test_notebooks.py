"""The notebooks run top to bottom, each in under two minutes."""

import json
import os
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="install the test extra: pip install -e '.[test]'")
from nbclient import NotebookClient  # noqa: E402

ROOT = Path(__file__).parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_notebooks_are_there():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, monkeypatch):
    if path.stem.startswith(("07", "09")):
        pytest.importorskip("jax", reason="notebooks 07 and 09 need JAX: pip install 'bea[jax]' (the test extra installs it)")
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    notebook = nbformat.read(path, as_version=4)
    # keep the figures open, and after the notebook's cells inspect them (tests/figure_check.py)
    notebook.cells.insert(0, nbformat.v4.new_code_cell("%config InlineBackend.close_figures = False"))
    notebook.cells.append(nbformat.v4.new_code_cell((Path(__file__).parent / "figure_check.py").read_text()))
    start = time.perf_counter()
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    assert time.perf_counter() - start < 120
    images = sum("image/png" in out.get("data", {}) for cell in notebook.cells for out in cell.get("outputs", []))
    assert images >= 1
    report = "".join(out.get("text", "") for out in notebook.cells[-1].outputs)
    problems = json.loads(report.split("FIGURE-CHECK ", 1)[1])
    assert not problems, problems


def test_the_notebooks_use_only_the_public_api():
    """Issue 19: a notebook is what a user writes -- `import bea` (and `bea.jax`), never bea's internal modules."""
    import re

    for path in NOTEBOOKS:
        source = "\n".join("".join(cell["source"]) for cell in nbformat.read(path, as_version=4).cells
                           if cell["cell_type"] == "code")
        internal = re.findall(r"(?:from|import)\s+(bea\.[\w.]+)", source)
        assert all(name == "bea.jax" for name in internal), (path.name, internal)
        assert not re.search(r"\bbea\.(analysis|engine|algebra|schemes|concrete|models|printing|papers)\.", source), path.name
