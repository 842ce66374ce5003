"""Shared helpers of the benchmark suite: records, timing, memory, machine description, results files."""
