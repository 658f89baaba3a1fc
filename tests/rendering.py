"""Typesetting bea's LaTeX in a real renderer: MathJax 3 in headless Chromium.

``renderer()`` finds Chromium and MathJax, installing what is missing the way the test command may (Debian's
``chromium`` by apt-get when running as root, the npm package ``mathjax@3`` into ``.render/`` of the checkout),
or returns the reason it cannot.  ``typeset(samples)`` renders ``[(name, latex), ...]`` on one page and returns
``{name: [MathJax error messages]}``; ``screenshot(samples, path)`` writes a PNG of them.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MATHJAX_DIR = ROOT / ".render"
MATHJAX = MATHJAX_DIR / "node_modules" / "mathjax" / "es5" / "tex-svg.js"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def renderer() -> tuple[str | None, str]:
    """``(chromium, "")`` when Chromium and MathJax are there (installed if need be), else ``(None, reason)``."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None and os.geteuid() == 0 and shutil.which("apt-get"):
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
            subprocess.run(command, capture_output=True, timeout=600, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        chromium = shutil.which("chromium")
    if chromium is None:
        return None, ("Chromium is not installed and cannot be installed here (needs root and apt-get): "
                      "apt-get install chromium, then run the tests again")
    if not MATHJAX.exists() and shutil.which("npm"):
        subprocess.run(["npm", "install", "--silent", "--prefix", str(MATHJAX_DIR), "mathjax@3"], capture_output=True,
                       timeout=600)
    if not MATHJAX.exists():
        return None, f"MathJax is not installed and npm could not install it: npm install --prefix {MATHJAX_DIR} mathjax@3"
    return chromium, ""


_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<style>body {{ font-family: sans-serif; margin: 16px; }} .sample {{ margin: 12px 0; }} .name {{ color: #666; font-size: 12px; }}</style>
<script>
window.MathJax = {{
  tex: {{ packages: {{'[+]': ['ams'], '[-]': ['noerrors', 'noundefined']}} }},
  svg: {{ fontCache: 'global' }},
  startup: {{ pageReady: () => MathJax.startup.defaultPageReady().then(() => {{
    const out = {{}};
    document.querySelectorAll('.sample').forEach(el => {{
      const errors = Array.from(el.querySelectorAll('[data-mjx-error]')).map(e => e.getAttribute('data-mjx-error'));
      if (!el.querySelector('mjx-container')) errors.push('not typeset (unbalanced braces or delimiters?)');
      out[el.dataset.name] = errors;
    }});
    const pre = document.createElement('pre'); pre.id = 'result'; pre.textContent = JSON.stringify(out);
    pre.style.display = 'none'; document.body.appendChild(pre);
  }}) }}
}};
</script>
<script src="{mathjax}"></script></head><body>
{samples}
</body></html>"""


def _page(samples) -> str:
    body = "\n".join(f'<div class="sample" data-name="{html.escape(name)}"><div class="name">{html.escape(name)}</div>'
                     f"$$ {html.escape(latex)} $$</div>" for name, latex in samples)
    return _PAGE.format(mathjax=MATHJAX.as_uri(), samples=body)


def typeset(chromium: str, samples) -> dict:
    """``{name: [error messages]}`` of every sample, typeset by MathJax in Chromium."""
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "page.html"
        page.write_text(_page(samples))
        run = subprocess.run([chromium, *FLAGS, f"--user-data-dir={folder}/profile", "--virtual-time-budget=120000",
                              "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=600)
    found = re.search(r'<pre id="result"[^>]*>(.*?)</pre>', run.stdout, re.S)
    if not found:
        raise AssertionError(f"MathJax did not finish typesetting the page: {run.stderr[-500:]}")
    return json.loads(html.unescape(found.group(1)))


def screenshot(chromium: str, samples, path: Path, width: int = 1100, height: int = 700) -> None:
    """A PNG of the samples as MathJax typesets them."""
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "page.html"
        page.write_text(_page(samples))
        subprocess.run([chromium, *FLAGS, f"--user-data-dir={folder}/profile", "--virtual-time-budget=60000",
                        f"--window-size={width},{height}", f"--screenshot={path}", page.as_uri()],
                       capture_output=True, timeout=600)


# -- what bea can print in LaTeX, one group per kind ------------------------------------------------------
def samples() -> dict:
    """``{kind: [(name, latex), ...]}``: flows of every scheme in every notation, modifying fields, losses,
    cancellations, principal flows, stability, validation, B-series, iterate averages, every catalogue entry."""
    import sympy

    import bea
    from bea.analysis.gradient import SYSTEMS
    from bea.papers.catalogue import CATALOGUE

    x, y = sympy.symbols("x y")
    out: dict = {"flow": [], "gradient": [], "modifying": [], "loss": [], "cancel": [], "pf": [], "stability": [],
                 "validation": [], "bseries": [], "average": [], "catalogue": []}
    needs = {"sgd": {"n": 2}, "lookahead": {"k": 2}}
    for name, variants in bea.SCHEMES.items():
        if name in ("rk", "prk", "ark"):
            continue
        for players in variants:
            flow = bea.derive(name, 3, players=players if len(variants) > 1 else None, **needs.get(name, {}))
            out["flow"].append((f"{name} ({players} player)", flow.to_latex()))
            for system in SYSTEMS:                                               # every notation that fits
                try:
                    latex = flow.to_latex(gradient=system)
                except bea.BeaError:
                    continue
                out["gradient"].append((f"{name} ({players} player) in {system} notation", latex))
            if name in ("euler", "alternating", "heavy-ball"):
                out["flow"].append((f"{name} ({players} player), Jupyter", flow._repr_latex_().strip("$")))
    for scheme, systems, params in (("euler", ["single"], {}), ("sgd", ["sgd"], {"n": 2}),
                                    ("simultaneous", ["general", "common-payoff", "zero-sum"], {}),
                                    ("alternating", ["general", "common-payoff", "zero-sum"], {})):
        flow = bea.derive(scheme, 3, **params)
        for system in systems:
            loss = bea.modified_loss(flow, system)
            out["loss"] += [(f"{scheme} {system} loss", loss.to_latex()),
                            (f"{scheme} {system} loss, Jupyter", loss._repr_latex_().strip("$"))]
    out["loss"].append(("sgd frozen", bea.modified_loss(bea.derive("sgd", 3, n=2), "sgd", frozen=True).to_latex()))
    out["loss"].append(("heavy ball", bea.modified_loss(bea.derive("heavy-ball", 3), "single").to_latex()))
    for scheme, params in (("euler", {}), ("sgd", {"n": 2}), ("alternating", {"terms": "interaction"})):
        out["modifying"].append((f"modify {scheme}", bea.modify(scheme, 3, **params).to_latex()))
    out["cancel"] += [("simultaneous interaction", bea.cancel("simultaneous", 2, "zero-sum", "interaction",
                                                              time="per-player").to_latex()),
                      ("euler all, order 3", bea.cancel("euler", 3, "single").to_latex()),
                      ("sgd frozen", bea.cancel("sgd", 2, "sgd", n=2, frozen=True).to_latex())]
    quadratic = {"f": [-(x + y / 2), -(x / 2 + 3 * y)]}, {"theta": [x, y]}
    out["pf"].append(("gradient descent", bea.principal_flow(*quadratic, "1/10").to_latex()))
    game = bea.get_problem("linear-game").instance({"phi": ("f",), "theta": ("g",)})
    stability = bea.derive("alternating", 2, v_phi=1, v_theta=1, m=1, k=1).stability(
        game.fields, game.variables, {"phi": 0, "theta": 0, "h": "1/5"})
    out["stability"] += [("alternating on the linear game", stability.to_latex()),
                         ("symbolic", bea.derive("euler", 2).stability({"f": [-x**2]}, {"theta": [x]}, {"x": 1}).to_latex())]
    out["validation"].append(("euler order 2", bea.validate("euler", 2, "quadratic").to_latex()))
    out["bseries"] += [("rk4 map", bea.one_step_map("rk4", 4).to_latex()),
                       ("exact flow", bea.exact_flow("f", 4).to_latex()),
                       ("modified field of gauss4", bea.one_step_map("gauss4", 4).modified_field().to_latex())]
    out["average"].append(("euler", bea.iterate_average("euler", 3).to_latex()))
    for entry in CATALOGUE.values():
        out["catalogue"].append((entry.id, entry.to_latex()))
        out["catalogue"].append((f"{entry.id} (Jupyter)", entry._repr_latex_().strip("$")))
    return out


if __name__ == "__main__":          # python tests/rendering.py: the screenshots in docs/images/rendering/
    chromium, reason = renderer()
    if chromium is None:
        raise SystemExit(reason)
    folder = ROOT / "docs" / "images" / "rendering"
    folder.mkdir(parents=True, exist_ok=True)
    for kind, items in samples().items():
        shown = [item for item in items if "Jupyter" in item[0]][-4:-2] if kind == "catalogue" else items[:2]
        screenshot(chromium, shown, folder / f"{kind}.png")
        print("wrote", folder / f"{kind}.png")
