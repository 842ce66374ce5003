"""Errors of the benchmark harness (the suite is tooling, outside ``ned_core``'s NedError tree)."""


class BenchmarkError(Exception):
    """Base class of the harness's errors."""


class BenchmarkSelectionError(BenchmarkError):
    """``--only`` names a benchmark that does not exist."""


class ResultsFileError(BenchmarkError):
    """A results file is missing, unreadable, or not a ``NedBenchmark.1`` document."""


class FootageError(BenchmarkError):
    """Benchmark footage (a synthetic clip's MP4 or EXR frames) could not be written."""
