"""Plate input/output: sequences, movies, stills, colour management, EXR face plates."""
