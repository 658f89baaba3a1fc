"""Sphinx configuration of bea's documentation site: the Markdown pages (MyST), the API reference from the
docstrings (autodoc, NumPy/Google sections by napoleon), the notebooks with their outputs (MyST-NB).

Build it (warning-free, as the tests do):  pip install -e '.[test]' && sphinx-build -W -b html docs docs/_build/html
The notebooks are executed during the build (BEA_DOCS_EXECUTE=0 skips that; the tests run them anyway).
"""

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

project = "bea"
author = "the bea developers"
copyright = "2026, the bea developers"

extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.mathjax"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]           # pages start at a level-1 heading and may skip levels below it

nb_execution_mode = "force" if os.environ.get("BEA_DOCS_EXECUTE", "1") != "0" else "off"
nb_execution_timeout = 600
nb_execution_raise_on_error = True

autodoc_member_order = "bysource"
autodoc_typehints = "description"
napoleon_google_docstring = True
napoleon_numpy_docstring = True

html_theme = "alabaster"
html_title = "bea: backward error analysis of optimisers"


def _copy_notebooks(app):
    """The notebooks live in ../notebooks (the tests run them there); the site renders copies."""
    target = Path(app.srcdir) / "notebooks"
    target.mkdir(exist_ok=True)
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        shutil.copy2(notebook, target / notebook.name)


def setup(app):
    app.connect("builder-inited", _copy_notebooks)
