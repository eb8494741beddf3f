"""Every ledger dedupe key is built in storage/keys.py and nowhere else.

Two copies of a key that drift apart pay credits twice (a grant looked up under one
spelling and posted under another). So the source tree is scanned: no string literal
outside the keys module contains a ledger key prefix (SQL included, which takes its
prefix from the module), and every call that writes a ledger entry passes a key made by
the module, or one handed to the function writing it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import keys

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("adapters", "bench", "bot", "commands", "engine", "storage")
KEYS_MODULE = ROOT / "storage" / "keys.py"
FROZEN = ROOT / "storage" / "migrations"  # history: it never builds keys, and never changes
LEDGER_WRITERS = {"post_entry", "post_clawback"}


def sources() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path != KEYS_MODULE and FROZEN not in path.parents:
                yield path


def _strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def _is_key(value: ast.expr, parameters: set[str]) -> bool:
    """A call into storage.keys, or a parameter of the function passing its caller's key on."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        return isinstance(value.func.value, ast.Name) and value.func.value.id == "keys"
    return isinstance(value, ast.Name) and value.id in parameters


def _ledger_keys(tree: ast.AST) -> Iterator[tuple[int, ast.expr, set[str]]]:
    """Each key given to a ledger writer or put in a ledger credit row, with the parameters in scope."""
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for function in functions:
        parameters = {a.arg for a in (*function.args.args, *function.args.kwonlyargs)}
        for node in ast.walk(function):
            if isinstance(node, ast.Call):
                name = (
                    node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                )
                if name in LEDGER_WRITERS:
                    for keyword in node.keywords:
                        if keyword.arg == "dedupe_key":
                            yield node.lineno, keyword.value, parameters
            elif isinstance(node, ast.Dict):
                fields = {
                    k.value: v
                    for k, v in zip(node.keys, node.values, strict=True)
                    if isinstance(k, ast.Constant)
                }
                if "dedupe_key" in fields and "amount" in fields:  # a ledger row (Credit)
                    yield node.lineno, fields["dedupe_key"], parameters


@pytest.mark.parametrize("path", list(sources()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_ledger_key_is_built_outside_the_keys_module(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    literals = [
        f"line {line}: {text!r}"
        for line, text in _strings(tree)
        if any(prefix in text for prefix in keys.LEDGER_PREFIXES)
    ]
    assert literals == [], "a ledger key spelled out here; build it with storage.keys"
    loose = [
        f"line {line}: {ast.unparse(value)}"
        for line, value, params in _ledger_keys(tree)
        if not _is_key(value, params)
    ]
    assert loose == [], "a ledger entry whose key is not one of storage.keys"


def test_the_scan_finds_a_key_spelled_out_and_one_built_by_hand() -> None:
    """The scan itself must be able to say no, or its silence proves nothing."""
    planted = ast.parse(
        "async def pay(session, bet):\n"
        "    await post_entry(session, kind='payout', dedupe_key=f'settle:bet:{bet.id}')\n"
        "    await post_entry(session, kind='payout', dedupe_key=make_key(bet))\n"
        "    credits.append({'amount': 5, 'dedupe_key': 'x' + str(bet.id)})\n"
        "    await post_entry(session, kind='refund', dedupe_key=keys.settle(bet.id))\n"
    )
    assert [line for line, text in _strings(planted) if any(p in text for p in keys.LEDGER_PREFIXES)] == [2]
    assert [line for line, value, params in _ledger_keys(planted) if not _is_key(value, params)] == [2, 3, 4]
