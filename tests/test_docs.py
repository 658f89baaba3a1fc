"""The documentation's examples run: Python blocks are executed, `$ bea ...` commands are run and
the output lines shown under them must appear in what the command prints."""

import re
import shlex
from pathlib import Path

import pytest

from bea.cli.main import main

DOCS = Path(__file__).parent.parent / "docs"
PAGES = ["getting-started.md", "cli.md", "api.md", "schemes.md", "models.md", "bseries.md", "dynamics.md",
         "cancellation.md"]
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.S)


def blocks(page, language):
    return [body for lang, body in FENCE.findall((DOCS / page).read_text()) if lang == language]


@pytest.mark.parametrize("page", PAGES)
def test_python_examples_run(page):
    if page == "models.md":
        pytest.importorskip("jax", reason="docs/models.md needs JAX: pip install 'bea[jax]' (the test extra installs it)")
    namespace = {}
    for body in blocks(page, "python"):
        exec(compile(body, f"{page}", "exec"), namespace)


def console_examples():
    for page in PAGES:
        for body in blocks(page, "console"):
            lines = body.strip().splitlines()
            if lines and lines[0].startswith("$ bea "):
                yield pytest.param(lines[0][2:], [l for l in lines[1:] if l.strip()], id=f"{page}: {lines[0][2:40]}")


@pytest.mark.parametrize("command,expected", list(console_examples()))
def test_console_examples_run(command, expected, capsys):
    status = main(shlex.split(command)[1:])
    out, err = capsys.readouterr()
    assert status == 0, err
    for line in expected:
        assert line.strip() in out, (line, out)
