"""Every rule-module event is reachable from facilitator.events, without circular imports."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from dataclasses import is_dataclass
from pathlib import Path
from types import ModuleType

import pytest

from facilitator import balancing, breakouts, events, hands, leadership, rounds, talk_time

RULE_MODULES = (talk_time, rounds, hands, balancing, breakouts, leadership)
FACILITATOR = Path(events.__file__).parent


@pytest.mark.parametrize("module", RULE_MODULES, ids=lambda m: m.__name__)
def test_every_event_class_of_a_rule_module_is_re_exported(module: ModuleType) -> None:
    defined = {
        name
        for name, obj in vars(module).items()
        if inspect.isclass(obj)
        and is_dataclass(obj)
        and obj.__module__ == module.__name__
        and "audience" in vars(obj)
    }
    assert defined, module
    assert defined <= set(events.__all__)
    assert all(getattr(events, name) is getattr(module, name) for name in defined)


def test_every_name_in_all_exists() -> None:
    assert all(hasattr(events, name) for name in events.__all__)


def test_no_facilitator_module_imports_events() -> None:
    for path in FACILITATOR.glob("*.py"):
        if path.name == "events.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [f"{node.module}.{a.name}" for a in node.names] + [str(node.module)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            assert not any(n.startswith("facilitator.events") for n in names), path.name


def test_events_imports_first_in_a_fresh_interpreter() -> None:
    code = "import facilitator.events as e; print(len(e.__all__))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=FACILITATOR.parent,
        check=False,
    )
    assert done.returncode == 0, done.stderr
