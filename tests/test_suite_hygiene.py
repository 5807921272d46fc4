"""The suite checks itself: no assertion that cannot fail, and no test
silently skipped in CI."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from tests.requirements import missing_in_ci

TESTS = Path(__file__).parent


def _vacuous(tree: ast.AST) -> list[tuple[int, str]]:
    """Assertions that hold whatever the code does: ``assert A or B`` (one
    side may be true of every page: "motivo" in a form that always has the
    label), ``assert <constant>``, ``assert x == x``."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assert):
            continue
        test = node.test
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
            found.append((node.lineno, "«or» entre condiciones: una basta para pasar"))
        elif isinstance(test, ast.Constant):
            found.append((node.lineno, "una constante"))
        elif (
            isinstance(test, ast.Compare)
            and len(test.comparators) == 1
            and ast.dump(test.left) == ast.dump(test.comparators[0])
            and not any(isinstance(n, ast.Call) for n in ast.walk(test.left))
        ):  # two calls may differ (a fresh token each time); two names cannot
            found.append((node.lineno, "compara una expresión consigo misma"))
    return found


def test_no_assertion_in_the_suite_can_pass_whatever_happens() -> None:
    problems = [
        f"{path.name}:{line}: {why}"
        for path in sorted(TESTS.glob("*.py"))
        for line, why in _vacuous(ast.parse(path.read_text("utf-8")))
    ]
    assert problems == []


def test_the_hygiene_check_finds_what_it_looks_for() -> None:
    sample = ast.parse(
        "assert page.status_code == 400 or 'motivo' in page.text\n"
        "assert True\n"
        "assert x == x\n"
        "assert 'Morro' in (name or '')\n"
        "assert token() != token()\n"
    )
    assert [line for line, _ in _vacuous(sample)] == [1, 2, 3]


def test_ci_names_every_missing_dependency() -> None:
    def unreachable() -> str:
        return "Connection refused"

    missing = missing_in_ci(
        {"CI": "true", "PATH": "/nonexistent"}, "postgresql://x:1/t", unreachable
    )
    assert missing[0] == (
        "PostgreSQL no responde en postgresql://x:1/t (CUMPLE_TEST_POSTGRES_URL): "
        "Connection refused"
    )
    assert any("LibreOffice" in item for item in missing)
    assert any("pdftotext" in item for item in missing)
    assert missing_in_ci({"CI": "false"}, "postgresql://x:1/t", unreachable) == []


def test_ci_fails_at_once_when_postgresql_is_unreachable() -> None:
    env = {
        **os.environ,
        "CI": "true",
        "CUMPLE_TEST_POSTGRES_URL": "postgresql+psycopg://postgres@127.0.0.1:1/test",
    }
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         str(TESTS / "test_schema.py")],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 3, result.stdout[-2000:]
    assert "PostgreSQL no responde en postgresql+psycopg://postgres@127.0.0.1:1/test" in (
        result.stdout + result.stderr
    )
    assert " passed" not in result.stdout
