"""Few torch threads for the manipulator training tests (their fixtures are in tests/conftest.py)."""

import torch

torch.set_num_threads(2)
