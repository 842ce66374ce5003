"""Few torch threads for the run-time manipulator tests (their fixtures are in tests/conftest.py)."""

import torch

torch.set_num_threads(2)
