"""The command line: every format, every bad input (exit status 2, one line, no traceback)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sympy

import bea
from bea.cli.main import main
from clirun import run_exit

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err




def test_json_is_the_contract_shape(capsys):
    status, out, err = run(capsys, "derive", "--scheme", "alternating", "--order", "3", "--param", "m=2", "--format", "json")
    assert status == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["scheme", "order", "params", "blocks", "time", "terms"]
    assert data["params"] == {"v_phi": "v_phi", "v_theta": "v_theta", "m": "2", "k": "k"}
    assert data["blocks"] == {"phi": ["f"], "theta": ["g"]}
    assert data["time"] == {"phi": "h", "theta": "h"}
    assert data["terms"][0] == {"block": "phi", "power": 0, "tree": "f", "coefficient": "v_phi"}
    assert {"block": "phi", "power": 1, "tree": "f[g]", "coefficient": "-v_phi*v_theta/2"} in data["terms"]
    flow = bea.derive("alternating", 3, m=2)
    assert data == flow.to_json()
    for term, parsed in zip(flow.terms, data["terms"]):
        assert sympy.sympify(parsed["coefficient"]) == term.coefficient
        assert parsed["coefficient"] != "0"


def test_json_per_player_times(capsys):
    status, out, _ = run(capsys, "derive", "--scheme", "simultaneous", "--order", "2", "--time", "per-player",
                         "--format", "json", "--param", "v_phi=3/2")
    data = json.loads(out)
    assert data["time"] == {"phi": "3*h/2", "theta": "h*v_theta"}
    assert sympy.sympify(data["time"]["phi"]) == sympy.Rational(3, 2) * sympy.Symbol("h")


def test_sgd_json(capsys):
    _, out, _ = run(capsys, "derive", "--scheme", "sgd", "--order", "2", "--param", "n=2", "--format", "json")
    data = json.loads(out)
    assert data["blocks"] == {"theta": ["f1", "f2"]} and data["time"] == {"theta": "2*h"}
    assert data["params"] == {"n": "2"}


def test_text(capsys):
    status, out, _ = run(capsys, "derive", "--scheme", "alternating", "--order", "2")
    lines = out.strip().splitlines()
    assert status == 0
    assert "phi: h^0: v_phi f" in lines
    assert "phi: h^1: -v_phi**2/(2*m) f[f] - v_phi*v_theta/2 f[g]" in lines
    assert "theta: h^1: v_phi*v_theta/2 g[f] - v_theta**2/(2*k) g[g]" in lines


def test_latex(capsys):
    _, out, _ = run(capsys, "derive", "--scheme", "alternating", "--order", "2", "--format", "latex")
    assert "\\partial_{\\theta} f\\, g" in out and "\\dot{\\phi}" in out
    assert out.count("{") == out.count("}")
    _, out, _ = run(capsys, "derive", "--scheme", "euler", "--order", "3", "--format", "latex")
    assert "f''(f, f)" in out and "f'f'f" in out and "f'f" in out


def test_principal_json_reference(capsys):
    _, out, _ = run(capsys, "principal", "--scheme", "euler", "--order", "30", "--format", "json")
    data = json.loads(out)
    assert data["reference"] == {"series": "log(1+z)/z", "agrees": True}
    assert len(data["terms"]) == 30
    _, out, _ = run(capsys, "principal", "--scheme", "simultaneous", "--order", "4")
    assert "agrees with the Taylor coefficients of log(1+z)/z: yes" in out


def test_params_several_after_one_flag(capsys):
    _, out, _ = run(capsys, "derive", "--scheme", "alternating", "--order", "1", "--param", "m=2", "k=3",
                    "--param", "v_phi=eta", "--format", "json")
    assert json.loads(out)["params"] == {"v_phi": "eta", "v_theta": "v_theta", "m": "2", "k": "3"}


BAD = [
    (["derive", "--scheme", "nope", "--order", "2"], "scheme"),
    (["derive", "--scheme", "euler", "--order", "0"], "order"),
    (["derive", "--scheme", "euler", "--order", "-3"], "order"),
    (["derive", "--scheme", "euler", "--order", "two"], "order"),
    (["derive", "--scheme", "euler", "--order", "2.5"], "order"),
    (["derive", "--scheme", "euler"], "order"),
    (["derive", "--order", "2"], "scheme"),
    (["derive", "--scheme", "euler", "--order", "2", "--param", "m=2"], "m"),
    (["derive", "--scheme", "alternating", "--order", "2", "--param", "q=2"], "q"),
    (["derive", "--scheme", "alternating", "--order", "2", "--param", "m=0"], "m"),
    (["derive", "--scheme", "alternating", "--order", "2", "--param", "m=1/2"], "m"),
    (["derive", "--scheme", "alternating", "--order", "2", "--param", "v_phi=1+"], "v_phi"),
    (["derive", "--scheme", "alternating", "--order", "2", "--param", "v_phi=exec('1')"], "v_phi"),
    (["derive", "--scheme", "alternating", "--order", "2", "--param", "m"], "NAME=VALUE"),
    (["derive", "--scheme", "alternating", "--order", "2", "--param", "m=2", "--param", "m=3"], "twice"),
    (["derive", "--scheme", "sgd", "--order", "2"], "n"),
    (["derive", "--scheme", "sgd", "--order", "2", "--param", "n=0"], "n"),
    (["derive", "--scheme", "alternating", "--order", "2", "--time", "later"], "time"),
    (["derive", "--scheme", "euler", "--order", "2", "--time", "per-player"], "per-player"),
    (["derive", "--scheme", "euler", "--order", "2", "--format", "xml"], "format"),
    (["principal", "--scheme", "euler", "--order", "0"], "order"),
    (["validate", "--scheme", "euler", "--order", "2", "--problem", "nope"], "nope"),
    (["validate", "--scheme", "euler", "--order", "2", "--problem", "linear-game"], "two-player"),
    (["validate", "--scheme", "euler"], "--order"),
    (["validate", "--scheme", "alternating", "--order", "2", "--param", "m=k"], "another parameter"),
    (["validate", "--scheme", "euler", "--order", "2", "--field", "f=__import__('os')", "--at", "theta=1"], "unexpected"),
    (["validate", "--scheme", "euler", "--order", "2", "--field", "f=open(theta)", "--at", "theta=1"], "open"),
    (["validate", "--scheme", "euler", "--order", "2", "--field", "f=-x", "--at", "theta=1"], "'x'"),
    (["validate", "--scheme", "euler", "--order", "2", "--field", "f=-theta"], "--at"),
    (["validate", "--scheme", "euler", "--order", "2", "--field", "f=-theta", "--problem", "quadratic", "--at", "theta=1"], "either"),
    (["validate", "--scheme", "euler", "--order", "2", "--field", "f=-theta", "--at", "theta"], "NAME=VALUE"),
    (["validate", "--scheme", "euler", "--order", "2", "--field", "f=-theta", "--var", "phi=x", "--at", "theta=1"], "phi"),
    (["validate", "--scheme", "alternating", "--order", "2", "--problem", "linear-game", "--param", "eps=1"], "eps"),
    (["stability", "--scheme", "simultaneous", "--order", "2", "--problem", "linear-game"], "--at"),
    (["stability", "--scheme", "simultaneous", "--order", "2", "--problem", "linear-game", "--at", "psi=0"], "psi"),
    (["stability", "--scheme", "simultaneous", "--order", "2", "--problem", "linear-game", "--at", "phi=0", "--h", "x"], "h"),
    (["pf", "--problem", "quadratic", "--h", "1/10"], "h*lambda = 1"),
    (["pf", "--problem", "quadratic", "--h", "0"], "positive"),
    (["pf", "--problem", "quadratic"], "--h"),
    (["pf", "--problem", "quadratic", "--h", "1/20", "--nonprincipal", "0"], "nonprincipal must be an integer >= 1"),
    (["frobnicate"], "frobnicate"),
    ([], "command"),
]


@pytest.mark.parametrize("argv,word", BAD)
def test_bad_input_exits_2_with_one_line(capsys, argv, word):
    status, out, err = run_exit(capsys, *argv)
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert word in err and "Traceback" not in err


def test_python_dash_m_and_console_script_agree():
    argv = ["derive", "--scheme", "alternating", "--order", "3", "--format", "json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    via_module = subprocess.run([sys.executable, "-m", "bea", *argv], capture_output=True, text=True, env=env, cwd=ROOT)
    assert via_module.returncode == 0, via_module.stderr
    assert json.loads(via_module.stdout) == bea.derive("alternating", 3).to_json()
    bad = subprocess.run([sys.executable, "-m", "bea", "derive", "--scheme", "x", "--order", "1"],
                         capture_output=True, text=True, env=env, cwd=ROOT)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and len(bad.stderr.splitlines()) == 1
    script = shutil.which("bea")
    if script is not None:  # present once the package is installed (as in .ci/run)
        via_script = subprocess.run([script, *argv], capture_output=True, text=True)
        assert via_script.stdout == via_module.stdout


def test_validate_command(capsys):
    status, out, _ = run(capsys, "validate", "--list")
    assert status == 0 and "linear-game" in out and "rosenbrock" in out
    status, out, _ = run(capsys, "validate", "--scheme", "alternating", "--order", "2", "--problem", "linear-game",
                         "--param", "m=2", "--format", "json")
    data = json.loads(out)
    assert status == 0 and data["passed"] and data["expected"] == 3
    assert all(abs(row["observed"] - 3) < 0.3 for row in data["rows"][1:])


def test_stability_command_thesis_sec_4_3(capsys):
    common = ["--problem", "linear-game", "--param", "v_phi=1", "v_theta=1", "--at", "phi=0", "theta=0", "--h", "1/5"]
    status, out, _ = run(capsys, "stability", "--scheme", "simultaneous", "--order", "2", *common)
    assert status == 0 and "trace = 9919/50000 = 0.19838" in out and "verdict: unstable" in out
    status, out, _ = run(capsys, "stability", "--scheme", "alternating", "--order", "2", *common, "--param", "m=1", "k=1",
                         "--format", "json")
    data = json.loads(out)
    assert data["trace"] == "-81/50000" and data["determinant"] == "9819006561/10000000000" and data["verdict"] == "stable"


def test_user_fields_on_the_command_line(capsys):
    """Thesis Eq 4.23 typed as expressions, with decimal parameters read exactly."""
    status, out, _ = run(capsys, "stability", "--scheme", "simultaneous", "--order", "2",
                         "--field", "f=-e1*phi + theta", "--field", "g=e2*theta - phi",
                         "--param", "e1=0.09", "e2=0.09", "v_phi=1", "v_theta=1", "--at", "phi=0,theta=0", "--h", "0.2")
    assert status == 0 and "trace = 9919/50000" in out
    status, out, _ = run(capsys, "validate", "--scheme", "euler", "--order", "3", "--field", "f=-x^3 + sin(y)",
                         "--field", "f=-y/2", "--var", "theta=x,y", "--at", "x=1/2", "y=1/3", "--format", "json")
    data = json.loads(out)
    assert status == 0 and data["passed"] and data["problem"] == "user"


def test_pf_command_tracks_the_iterates(capsys):
    status, out, _ = run(capsys, "pf", "--problem", "linear-game", "--scheme", "alternating", "--param", "m=2",
                         "--h", "1/5", "--method", "schur", "--steps", "3", "--format", "json")
    data = json.loads(out)
    assert status == 0 and data["converges"]
    assert max(row["difference"] for row in data["steps"]) < 1e-12
    status, out, _ = run(capsys, "pf", "--problem", "quadratic", "--h", "3/20", "--steps", "2")
    assert status == 0 and "|difference|" in out and "j" in out.splitlines()[1]   # complex: h lambda = 1.5



def test_stability_prints_long_radical_eigenvalues_as_numbers(capsys):
    """A 4 x 4 Jacobian's eigenvalues are quartic radicals: the text shows them as numbers (each a root of
    the characteristic polynomial), the JSON keeps the exact form."""
    import numpy as np
    import sympy

    argv = ["stability", "--scheme", "simultaneous", "--order", "1", "--field", "f=-2*a*c-2*b*d-3*d^2",
            "--field", "f=-2*a*d-b+c", "--field", "g=-2*c*b-d*a-a", "--field", "g=-c*a+2*d-2*b^2",
            "--var", "phi=a,b", "--var", "theta=c,d", "--at", "a=1/2", "b=-1/3", "c=2/3", "d=1/4",
            "--param", "v_phi=1", "v_theta=1"]
    status, out, _ = run(capsys, *argv)
    lines = [line for line in out.splitlines() if line.startswith("eigenvalue")]
    assert status == 0 and len(lines) == 4 and "sqrt" not in out
    rows = [line.strip(" []").split(", ") for line in out.splitlines()[1:5]]
    J = sympy.Matrix([[sympy.Rational(x) for x in row] for row in rows])
    roots = np.roots([float(c) for c in J.charpoly().all_coeffs()])
    shown = [complex(line.split("=")[1].split("(")[0].replace(" i", "j").replace(" ", "")) for line in lines]
    assert all(min(abs(r - z) for r in roots) < 1e-8 for z in shown)
    status, out, _ = run(capsys, *argv, "--format", "json")
    assert status == 0 and all("sqrt" in v or "CRootOf" in v for v in json.loads(out)["eigenvalues"])

# -- the command line's conventions (issue 19) -------------------------------------------------------
def test_version_schemes_and_problems(capsys):
    import json

    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out.strip() == f"bea {bea.__version__}"
    assert main(["schemes", "--format", "json"]) == 0
    listed = {s["name"]: s for s in json.loads(capsys.readouterr().out)}
    assert set(listed) == set(bea.SCHEMES)
    assert listed["heavy-ball"]["params"] == {"beta": bea.params.MOMENTUM.description}
    assert listed["alternating"]["players"] == [2] and "inner" not in listed["alternating"]["description"]
    assert main(["schemes"]) == 0
    assert "Polyak's heavy ball" in capsys.readouterr().out
    assert main(["problems"]) == 0
    assert "dirac-gan" in capsys.readouterr().out


def test_decimal_learning_rates_are_read_exactly(capsys):
    assert main(["derive", "--scheme", "simultaneous", "--order", "2", "--param", "v_phi=1e-3", "v_theta=0.5"]) == 0
    assert "v_phi=1/1000, v_theta=1/2" in capsys.readouterr().out
    assert main(["spectral", "--field", "f=-theta", "--at", "theta=1", "--h", "1e-3", "--format", "json"]) == 0
    with pytest.raises(SystemExit):
        main(["spectral", "--help"])
    assert "1e-3 is 1/1000" in " ".join(capsys.readouterr().out.split())


def test_a_module_scheme_from_the_working_directory(tmp_path, monkeypatch, capsys):
    (tmp_path / "myschemes.py").write_text(
        "import bea\n\n@bea.scheme(blocks={'theta': 'f'})\ndef heun(y, F, h):\n"
        "    k1 = h * F.f(y)\n    k2 = h * F.f(y + k1)\n    return y + (k1 + k2) / 2\n")
    monkeypatch.chdir(tmp_path)
    assert main(["derive", "--scheme", "myschemes:heun", "--order", "3"]) == 0
    assert "theta: h^2: 1/12 f[f,f] - 1/6 f[f[f]]" in capsys.readouterr().out
    assert main(["derive", "--scheme", "nosuchmodule:heun", "--order", "3"]) == 2


def test_paper_doc_prints_or_writes(tmp_path, capsys):
    from bea.papers import markdown

    assert main(["paper", "doc"]) == 0 and capsys.readouterr().out == markdown() + "\n"
    target = tmp_path / "papers.md"
    assert main(["paper", "doc", "--output", str(target)]) == 0 and target.read_text() == markdown() + "\n"
    assert main(["paper", "doc", "--output", str(tmp_path / "no" / "dir.md")]) == 2
    assert main(["paper", "list", "--format", "latex"]) == 2


@pytest.mark.parametrize("scheme,params", [("heavy-ball", {}), ("alternating", {"m": 2}), ("gauss4", {}),
                                           ("sgd", {"n": 2}), ("lookahead", {})])
def test_a_flow_saves_and_loads_exactly(tmp_path, scheme, params):
    """JSON coefficients read back as the same expressions: beta stays the symbol beta (sympy.sympify would read
    SymPy's beta function), sqrt(3) stays exact; bea.load restores the flow, its printing and its scheme."""
    import json

    import sympy

    flow = bea.derive(scheme, 3, **params)
    path = tmp_path / "flow.json"
    flow.save(path)
    loaded = bea.load(path)
    assert loaded.terms == flow.terms and loaded.to_text() == flow.to_text() and loaded.params == flow.params
    assert bea.load(json.loads(path.read_text())).to_latex() == flow.to_latex()
    assert loaded.source is not None and loaded.source.name == scheme
    if scheme == "heavy-ball":
        assert loaded.terms[0].coefficient.free_symbols == {sympy.Symbol("beta")}    # not SymPy's beta function
    with pytest.raises(bea.BeaError, match="not JSON"):
        (tmp_path / "bad.json").write_text("{")
        bea.load(tmp_path / "bad.json")
    with pytest.raises(bea.BeaError, match="no 'terms'"):
        bea.load({"scheme": "euler", "order": 1, "params": {}, "blocks": {"theta": ["f"]}, "time": {"theta": "h"}})
    with pytest.raises(bea.BeaError):
        bea.load({"scheme": "euler", "order": 1, "params": {}, "blocks": {"theta": ["f"]}, "time": {"theta": "h"},
                  "terms": [{"block": "theta", "power": 0, "tree": "f", "coefficient": "__import__('os')"}]})


def test_long_latex_is_broken_into_lines():
    """Issue 19: alternating order 3 in zero-sum notation printed 800-character rows (207 ex); each power of h is
    now broken every two terms (\\Big( ... \\Big) across rows), and coefficient sums use \\left( \\right)."""
    latex = bea.derive("alternating", 3).to_latex(gradient="zero-sum")
    rows = latex.split("\\\\")
    assert "\\Big(" in latex and "\\Big)" in latex and "\\left(\\frac" in latex
    assert max(len(r) for r in rows) < 450 and len(rows) >= 10
    assert all(r.count("\\nabla_{") + r.count("\\nabla^{") <= 12 for r in rows)
    loss = bea.cancel("simultaneous", 3, "zero-sum", time="per-player", frozen=True).to_latex()
    assert max(len(r) for r in loss.split("\\\\")) < 300
