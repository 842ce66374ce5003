"""Measurement building blocks of `ned eval`: emotion classifier, paper metrics, results and reports."""
