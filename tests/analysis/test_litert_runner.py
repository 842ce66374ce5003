"""The LiteRT wrapper: shapes in, named outputs out, clear error on a wrong input."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.exceptions import ShapeError


def test_models_report_their_inputs_and_outputs(models):
    assert models.mesh.input_size == (192, 192)
    assert models.short_range.input_size == (128, 128)
    assert models.iris.input_size == (64, 64)
    out = models.mesh.run(np.zeros((192, 192, 3), np.float32))
    assert [o.shape for o in out] == [(1, 1, 1, 1404), (1, 1, 1, 1)]


def test_wrong_input_shape_names_the_model(models):
    with pytest.raises(ShapeError, match=r"face_landmark.*expected input \(192, 192, 3\)"):
        models.mesh.run(np.zeros((128, 128, 3), np.float32))
