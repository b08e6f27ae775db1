"""The kind table: one row per kind, runners imported lazily by path, one city cache."""

from __future__ import annotations

import ast
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from jnrisk._errors import ConfigError
from jnrisk.scenarios import (
    BUILTIN_KINDS,
    Scenario,
    ScenarioResult,
    city_context,
    get_kind,
    load_city,
    register_kind,
    registered_kinds,
    run,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "jnrisk"


def test_builtin_kinds_are_one_table_named_by_path():
    assert [s.kind for s in BUILTIN_KINDS] == [
        "quake", "flood", "fire", "rescue", "evacuation", "synthetic_allocation"]
    for spec in BUILTIN_KINDS:
        assert isinstance(spec.params, str) and isinstance(spec.runner_ref, str)
        assert registered_kinds()[spec.kind].params_path == spec.params
        assert callable(spec.runner) and dataclasses.is_dataclass(spec.params_cls)
        assert spec.runner.__name__ == spec.runner_path.split(":")[1]


def test_reading_scenarios_imports_no_runner_module():
    code = (
        "import sys\n"
        "from jnrisk.scenarios import load_scenarios\n"
        "load_scenarios('scenarios/flood_return_periods.toml')\n"
        "load_scenarios('scenarios/quake_epicentres.toml')\n"
        "bad = [m for m in sys.modules if m.startswith(('jnrisk.scenarios.hazards', "
        "'jnrisk.rescue', 'jnrisk.network', 'jnrisk.shelters', 'jnrisk.allocation'))]\n"
        "print(bad)\n"
    )
    root = SRC.parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root,
                         env={"PYTHONPATH": str(root / "src"), "PATH": ""}, check=True)
    assert out.stdout.strip() == "[]"


def _module_imports(path: Path) -> set[str]:
    """Top-level (not function-level) jnrisk imports of a module."""
    tree = ast.parse(path.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return {n for n in names if n.startswith("jnrisk")}


def test_no_import_cycle_and_no_side_effect_registration():
    mods = {p.stem: p for p in (SRC / "scenarios").glob("*.py")}
    graph = {f"jnrisk.scenarios.{k}": _module_imports(p) for k, p in mods.items()}
    assert "jnrisk.scenarios.sweep" not in graph["jnrisk.scenarios.config"]
    # every module-level import inside the package points to an earlier layer: no cycle
    seen: dict[str, int] = {}

    def visit(m: str, stack: tuple[str, ...]) -> None:
        assert m not in stack, f"import cycle {stack + (m,)}"
        for dep in graph.get(m, ()):
            if dep in graph and dep != "jnrisk.scenarios":
                visit(dep, stack + (m,))
        seen[m] = 1

    for m in graph:
        visit(m, ())
    for name, path in mods.items():
        text = path.read_text()
        calls = [n for n in ast.parse(text).body if isinstance(n, ast.Expr)
                 and isinstance(n.value, ast.Call)]
        assert not calls, f"{name} runs code at import: {[ast.unparse(c) for c in calls]}"
        assert "E402" not in text, name


def test_register_kind_by_path_is_lazy_and_checked():
    spec = register_kind("test_by_path", "scen_kinds:SlowParams", "scen_kinds:run_slow")
    assert spec.runner_path == "scen_kinds:run_slow"
    s = Scenario.from_dict({"name": "p", "kind": "test_by_path", "hazard": {"value": 2}})
    assert run(s).metrics["value_x"] == 2
    with pytest.raises(ConfigError, match="not an import path"):
        register_kind("test_bad_path", "scen_kinds.SlowParams")
    register_kind("test_missing", "scen_kinds:SlowParams", "scen_kinds:no_such_runner")
    with pytest.raises(ConfigError, match=r"runner 'scen_kinds:no_such_runner' cannot be imported"):
        _ = get_kind("test_missing").runner
    register_kind("test_missing_cls", "no_such_module:Params")
    with pytest.raises(ConfigError, match="no_such_module"):
        Scenario.from_dict({"name": "m", "kind": "test_missing_cls", "hazard": {}})


def test_same_path_as_object_or_string_is_the_same_kind():
    from scen_kinds import SlowParams, run_slow

    register_kind("test_slow", "scen_kinds:SlowParams", "scen_kinds:run_slow")
    register_kind("test_slow", SlowParams, run_slow)
    with pytest.raises(ConfigError, match="already registered"):
        register_kind("test_slow", "jnrisk.scenarios.config:FloodParams")


def test_one_city_cache_for_loaders_and_objects():
    calls = []

    def loader(tag: str = "a"):
        calls.append(tag)
        return {"tag": tag}

    city = load_city(loader, {"tag": "x"})
    assert load_city(loader, {"tag": "x"}) is city and calls == ["x"]
    ctx = city_context(city)
    assert ctx.city is city and city_context(city) is ctx
    # the batch workers' cache is this one
    from jnrisk.scenarios import worker_city

    assert worker_city(loader, {"tag": "x"}) is city and calls == ["x"]


def test_runner_result_type_is_checked():
    @dataclasses.dataclass(frozen=True)
    class P:
        a: int = 1

    register_kind("test_bad_result", P, _bad_runner)
    s = Scenario(name="b", kind="test_bad_result", hazard={})
    from jnrisk._errors import SolverError

    with pytest.raises(SolverError, match="not a ScenarioResult"):
        run(s)
    assert ScenarioResult(metrics={}).metrics == {}


def _bad_runner(scenario, city):
    return {"a": 1}
