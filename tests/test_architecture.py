"""The one rule of dependencies: engine/ is pure and imports nothing of the app or of I/O.

Every .py under engine/ is parsed with `ast` (so an import hidden in a function or
under TYPE_CHECKING counts too), and importing `engine` in a fresh interpreter must
not drag any of those modules in indirectly.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "engine"

APP_PACKAGES = {"storage", "commands", "adapters", "bot"}
IO_LIBRARIES = {
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
    "discord",
    "slack_bolt",
    "slack_sdk",
    "httpx",
    "aiohttp",
    "requests",
    "espn_api",
    "apscheduler",
    "alembic",
}
FORBIDDEN = APP_PACKAGES | IO_LIBRARIES
SLOW_TO_IMPORT = {"scipy.stats"}  # ~0.6 s and 110 MB at start-up (DESIGN section 3)
# scipy.optimize: the awards' lineup assignment, imported inside the function that needs it.
# numpy: pure array arithmetic (no I/O), already loaded by scipy.special; the multi-way
# markets integrate every market of a week at once with it (engine/multiway.py, issue 18).
ALLOWED_THIRD_PARTY = {"scipy.special", "scipy.optimize", "numpy"}


def imported_modules(source: str, package: str = "engine") -> list[str]:
    """Absolute names of every module a source file imports, relative imports resolved.

    `package` is the package the file lives in, used to resolve `from .x import y`.
    String literals given to importlib.import_module / __import__ count as imports too.
    """
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, package)
            # `from scipy import special` imports scipy.special, not all of scipy
            names.extend(
                module if alias.name == "*" else f"{module}.{alias.name}".lstrip(".") for alias in node.names
            )
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.append(first.value)
    return names


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    prefix = ".".join(parts[: len(parts) - node.level + 1])
    return ".".join(part for part in (prefix, node.module) if part)


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in {"__import__", "import_module"}
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def violations(source: str, package: str = "engine") -> list[str]:
    """What the engine may not import: the app, I/O libraries, or any third party but scipy.special
    (and scipy.optimize, numpy)."""
    problems = []
    for name in imported_modules(source, package):
        root = name.split(".")[0]
        if root in FORBIDDEN:
            problems.append(f"imports {name}")
        elif any(name == slow or name.startswith(slow + ".") for slow in SLOW_TO_IMPORT):
            problems.append(f"imports {name} (slow to import; use statistics.NormalDist)")
        elif root in {"engine", "__future__"} or root in sys.stdlib_module_names:
            continue
        elif not any(name == ok or name.startswith(ok + ".") for ok in ALLOWED_THIRD_PARTY):
            problems.append(f"imports third-party {name}")
    return problems


def _package_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts if path.name == "__init__.py" else parts[:-1]).removesuffix(".__init__")


ENGINE_FILES = sorted(ENGINE.rglob("*.py"))


def test_the_engine_has_modules_to_check() -> None:
    assert ENGINE / "__init__.py" in ENGINE_FILES
    assert len(ENGINE_FILES) > 3


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_engine_module_imports_nothing_it_should_not(path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8"), _package_of(path)) == []


def test_importing_the_engine_loads_none_of_them() -> None:
    script = "import json, sys, engine; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out))
    assert {name for name in loaded if name.split(".")[0] in FORBIDDEN} == set()
    assert {name for name in loaded if name == "scipy.stats" or name.startswith("scipy.stats.")} == set()


# --- the checker itself must be able to fail ---------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "import httpx",
        "import sqlalchemy.orm as orm",
        "from storage.models import Bet",
        "from commands import dispatch",
        "from adapters.discord import client",
        "import bot.app",
        "from discord.ext import commands",
        "from ..storage import models",  # relative, climbing out of engine
        "def late():\n    import aiohttp\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from slack_sdk import WebClient\n",
        "import importlib\nimportlib.import_module('espn_api.football')",
        "__import__('apscheduler')",
        "import scipy.stats",
        "from scipy import stats",
        "import requests",
        "import alembic",
    ],
)
def test_the_checker_catches(source: str) -> None:
    assert violations(source, "engine") != []


@pytest.mark.parametrize(
    "source",
    [
        "import math\nfrom fractions import Fraction\nfrom statistics import NormalDist",
        "from __future__ import annotations",
        "from scipy.special import gammaincinv",
        "from scipy import special",
        "import scipy.special",
        "import numpy as np",
        "from numpy.typing import NDArray",
        "from engine.odds import american_to_decimal",
        "from .odds import american_to_decimal",
        "from . import odds",
    ],
)
def test_the_checker_allows(source: str) -> None:
    assert violations(source, "engine") == []


def test_relative_imports_are_resolved() -> None:
    assert imported_modules("from ..storage import models", "engine") == ["storage.models"]
    assert imported_modules("from .odds import x", "engine") == ["engine.odds.x"]
    assert imported_modules("from . import odds", "engine.sub") == ["engine.sub.odds"]
    assert imported_modules("from .. import odds", "engine.sub") == ["engine.odds"]
