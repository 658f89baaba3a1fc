"""Every kind of LaTeX bea prints, typeset for real: MathJax 3 in headless Chromium (tests/rendering.py installs
them when it can, else the test says why it skips).  A TeX error anywhere fails; so does math inside \\text{}."""

import re

import pytest

from rendering import renderer, samples, typeset

SAMPLES = samples()


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_no_text_holds_math(kind):
    for name, latex in SAMPLES[kind]:
        for inner in re.findall(r"\\text\{([^}]*)\}", latex):
            assert "\\" not in inner and "^" not in inner and "_" not in inner, (kind, name, inner)


def test_mathjax_typesets_everything_without_an_error():
    chromium, reason = renderer()
    if chromium is None:
        pytest.skip(reason)
    everything = [(f"{kind}: {name}", latex) for kind, items in SAMPLES.items() for name, latex in items]
    errors = typeset(chromium, everything)
    assert set(errors) == {name for name, _ in everything}, "MathJax skipped samples"
    bad = {name: messages for name, messages in errors.items() if messages}
    assert not bad, bad


def test_the_renderer_reports_what_it_cannot_typeset():
    """Not vacuous: an undefined macro and unbalanced braces are reported, good LaTeX is not."""
    chromium, reason = renderer()
    if chromium is None:
        pytest.skip(reason)
    errors = typeset(chromium, [("good", r"\frac{1}{2}\ \text{ok}"), ("undefined", r"\foo x"), ("open", r"\frac{1}{2")])
    assert errors["good"] == [] and errors["undefined"] and errors["open"]
