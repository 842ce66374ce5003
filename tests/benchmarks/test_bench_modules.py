"""Every benchmark module gives run_all.py what it runs: a module-level ``run(quick)`` (checked without importing)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.mark.parametrize("path", sorted(BENCHMARKS.glob("bench_*.py")), ids=lambda p: p.stem)
def test_every_benchmark_has_run_quick(path):
    functions = {node.name: node for node in ast.parse(path.read_text()).body if isinstance(node, ast.FunctionDef)}
    assert "run" in functions, f"{path.name} has no run(quick) -> dict: run_all.py would skip it"
    assert [a.arg for a in functions["run"].args.args] == ["quick"]
