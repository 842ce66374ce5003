"""run_all.py end to end: discovery, a child per benchmark, skips and failures with reasons, JSON results, --compare."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def test_runs_every_bench_module_and_writes_results(run_all, bench_dir: Path, tmp_path: Path):
    results = tmp_path / "results"
    done = run_all("--quick", "--bench-dir", str(bench_dir), "--results-dir", str(results))
    assert done.returncode == 1, done.stdout + done.stderr  # bench_raises failed
    saved = [p for p in results.glob("*.json") if p.name != "latest.json"]
    assert len(saved) == 1 and saved[0].name.endswith(".json")
    doc = json.loads(saved[0].read_text())
    assert json.loads((results / "latest.json").read_text()) == doc
    assert doc["schema"] == "NedBenchmark.1" and doc["quick"] is True
    assert doc["machine"]["usable_cores"] >= 1 and doc["machine"]["packages"]["numpy"]
    status = {name: entry["status"] for name, entry in doc["benchmarks"].items()}
    assert status == {"broken": "skipped", "norun": "skipped", "raises": "failed", "tiny": "ok"}
    assert "ned_package_that_does_not_exist" in doc["benchmarks"]["broken"]["reason"]
    assert "no run(quick" in doc["benchmarks"]["norun"]["reason"]
    assert "the stage under test blew up" in doc["benchmarks"]["raises"]["reason"]
    tiny = doc["benchmarks"]["tiny"]
    assert tiny["peak_rss_mb"] > 1 and tiny["result"]["notes"] == ["quick"]
    (sum_stage,) = tiny["result"]["stages"]
    assert sum_stage["frames"] == 20 and sum_stage["fps"] > 1
    assert sum_stage["ratio"] == pytest.approx(sum_stage["fps"], rel=1e-3)  # target 1 frame/s
    assert "tiny" in done.stdout and "sum" in done.stdout and "SKIPPED" in done.stdout and "FAILED" in done.stdout


def test_compare_prints_ratios_against_an_earlier_run(run_all, bench_dir: Path, tmp_path: Path):
    results = tmp_path / "results"
    first = run_all("--only", "tiny", "--bench-dir", str(bench_dir), "--results-dir", str(results))
    assert first.returncode == 0, first.stdout + first.stderr
    baseline = tmp_path / "baseline.json"
    doc = json.loads((results / "latest.json").read_text())
    doc["benchmarks"]["tiny"]["result"]["stages"][0]["fps"] /= 4  # an earlier run 4x slower
    baseline.write_text(json.dumps(doc))
    second = run_all("--only", "tiny", "--bench-dir", str(bench_dir), "--results-dir", str(results),
                     "--compare", str(baseline))
    assert second.returncode == 0, second.stdout + second.stderr
    block = second.stdout.split("== compared with")[1]
    sum_row = next(line for line in block.splitlines() if line.startswith("tiny") and " sum " in line)
    assert "BETTER" in sum_row
    size_row = next(line for line in block.splitlines() if line.startswith("tiny") and " size " in line)
    assert size_row.split()[-1] == "1"  # same figure: ratio 1, no verdict


def test_unknown_benchmark_name_and_bad_baseline_are_refused(run_all, bench_dir: Path, tmp_path: Path):
    unknown = run_all("--only", "nosuch", "--bench-dir", str(bench_dir), "--results-dir", str(tmp_path / "r"))
    assert unknown.returncode == 2 and "nosuch" in unknown.stderr and "tiny" in unknown.stderr
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": "Other.1"}))
    refused = run_all("--compare", str(bad), "--bench-dir", str(bench_dir), "--results-dir", str(tmp_path / "r"))
    assert refused.returncode == 2 and "NedBenchmark.1" in refused.stderr
    assert not (tmp_path / "r").exists()  # nothing ran, nothing written
