"""The import rules of docs/architecture.md, checked on the source (every import, top level or
inside a function) and on what each server process really loads."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator, Set, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("rules_core", "nlu_components", "actions", "bot")
PROJECT = set(PACKAGES) | {"benchmarks", "tests"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules() -> Dict[str, Path]:
    return {module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))
            if "__pycache__" not in p.parts}


def imports_of(name: str, path: Path) -> Iterator[Tuple[str, int]]:
    """Every project module `name` imports, with the line: `import a.b`, `from a import b`, relative ones."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from bot.runtime import logs` imports the module bot.runtime.logs; `from bot.texts
            # import text` the module bot.texts (graph() tells which is which)
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            if target.split(".")[0] in PROJECT:
                yield target, node.lineno


def graph() -> Dict[str, Set[str]]:
    modules = source_modules()
    edges: Dict[str, Set[str]] = {}
    for name, path in modules.items():
        edges[name] = {target if target in modules else target.rpartition(".")[0]
                       for target, _ in imports_of(name, path)} - {name}
    return edges


def violations(importer_prefix: str, forbidden: Tuple[str, ...], allowed: Tuple[str, ...] = ()) -> list:
    found = []
    for name, path in source_modules().items():
        if name != importer_prefix and not name.startswith(importer_prefix + "."):
            continue
        for target, line in imports_of(name, path):
            hit = any(target == f or target.startswith(f + ".") for f in forbidden)
            spared = any(target == a or target.startswith(a + ".") for a in allowed)
            if hit and not spared:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    return found


def test_the_rules_core_imports_nothing_of_the_project():
    assert violations("rules_core", ("bot", "actions", "nlu_components", "benchmarks", "tests")) == []


def test_the_nlu_package_imports_neither_the_actions_nor_the_channels():
    assert violations("nlu_components", ("bot", "actions", "benchmarks", "tests")) == []


def test_the_actions_import_the_rules_core_and_the_nlu_package_never_bot():
    assert violations("actions", ("bot", "benchmarks", "tests")) == []


def test_the_channels_never_import_the_actions():
    assert violations("bot", ("actions", "benchmarks", "tests")) == []


def test_the_shared_database_knows_no_room_above_it():
    assert violations("bot.storage", ("bot",), allowed=("bot.storage",)) == []


def test_the_desk_and_the_relay_do_not_reach_up_to_the_telegram_handlers_or_the_runtime():
    up = ("bot.telegram.app", "bot.runtime.supervisor", "bot.runtime.console", "bot.report", "bot.__main__")
    assert violations("bot.desk", up + ("bot.relay",)) == []
    assert violations("bot.relay", up) == []


def test_only_the_entry_point_imports_the_telegram_handlers():
    importers = [name for name, targets in graph().items() if "bot.telegram.app" in targets]
    assert importers == ["bot.__main__"]


def test_there_is_no_import_cycle_between_modules():
    edges = graph()
    done: Set[str] = set()
    cycles = []

    def visit(node: str, trail: list) -> None:
        for nxt in sorted(edges.get(node, ())):
            if nxt in trail:
                cycles.append(" -> ".join(trail[trail.index(nxt):] + [nxt]))
            elif nxt not in done:
                visit(nxt, trail + [nxt])
        done.add(node)

    for module in sorted(edges):
        if module not in done:
            visit(module, [module])
    assert cycles == []


def test_the_rule_checker_sees_imports_inside_functions_and_relative_ones(tmp_path, monkeypatch):
    """A checker that cannot fail proves nothing: it must catch a hidden import."""
    fake = tmp_path / "actions"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "sneaky.py").write_text("def f():\n    from bot.telegram import app\n    from . import other\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGES", ("actions",))
    assert violations("actions", ("bot",)) == ["actions/sneaky.py:2 imports bot.telegram.app"]
    assert ("actions.other", 3) in list(imports_of("actions.sneaky", fake / "sneaky.py"))


LOADED = """
import importlib, json, pkgutil, sys
import {package}
for info in pkgutil.walk_packages({package}.__path__, "{package}."):
    importlib.import_module(info.name)
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}})))
"""


@pytest.mark.parametrize("package, server", [("actions", "the action server"),
                                             ("nlu_components", "the Rasa server's custom components")])
def test_each_server_process_loads_neither_the_telegram_package_nor_the_channels(package, server):
    result = subprocess.run([sys.executable, "-c", LOADED.format(package=package)], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "RASA_TELEMETRY_ENABLED": "false",
                                                         "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert {"telegram", "bot"} & loaded == set(), f"{server} loads {sorted({'telegram', 'bot'} & loaded)}"
    if package == "nlu_components":
        assert "actions" not in loaded
    else:  # a few patterns shared with the NLU must not bring Rasa's NLU, and TensorFlow with it, into the action server
        assert {"rasa", "tensorflow"} & loaded == set(), f"{server} loads {sorted({'rasa', 'tensorflow'} & loaded)}"


def test_the_reminders_room_reaches_neither_the_handlers_nor_the_desk_and_the_relay_knows_it_only_by_hooks():
    up = ("bot.telegram.app", "bot.runtime.supervisor", "bot.runtime.console", "bot.report", "bot.__main__",
          "bot.desk", "bot.relay.workers")
    assert violations("bot.reminders", up) == []
    assert violations("bot.relay", ("bot.reminders",)) == []
