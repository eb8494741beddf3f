"""The handler rule (commands/handlers/__init__.py): a handler never opens a database session.

Every function in a handler module is parsed with `ast`; an `async with` (a transaction
or a read session) or a `session` in it breaks the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HANDLER_FILES = sorted(
    p for p in (ROOT / "commands" / "handlers").rglob("*.py") if p.name not in ("__init__.py", "registry.py")
)


def session_uses(source: str) -> list[str]:
    """`function: what` for each place a function opens or touches a session."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.AsyncWith | ast.With):
                found.append(f"{node.name}: opens a `with` block at line {inner.lineno}")
            elif isinstance(inner, ast.Name | ast.arg) and "session" in getattr(
                inner, "id", getattr(inner, "arg", "")
            ):
                found.append(f"{node.name}: uses a session at line {inner.lineno}")
    return found


def test_there_are_handler_modules_to_check():
    assert len(HANDLER_FILES) >= 8


@pytest.mark.parametrize("path", HANDLER_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_handlers_open_no_session(path: Path):
    assert session_uses(path.read_text(encoding="utf-8")) == []


def test_the_check_catches_a_session():
    source = (
        "async def h(ctx, args):\n"
        "    async with ctx.db.read() as session:\n"
        "        return await session.scalar(q)\n"
    )
    assert session_uses(source) != []
    assert session_uses("async def h(ctx, args):\n    return await service(ctx.db, 1)\n") == []
