"""ned_core.guards: every stage's array guards, and ShapeError's "expected ... got ..." facts."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from ned_core.exceptions import ExpressionValueError, ShapeError
from ned_core.guards import check_frames, check_masks, check_points, check_same_shape, check_sequence, check_signal


def test_shape_error_carries_expected_and_actual():
    with pytest.raises(ShapeError) as info:
        check_points("dst_points", np.zeros((5, 1)))
    err = info.value
    assert (err.what, err.expected, err.actual) == ("dst_points", "shape (N, 2+)", (5, 1))
    assert str(err) == "dst_points: expected shape (N, 2+), got (5, 1)"


def test_shape_error_survives_pickling():
    """Worker processes send exceptions back to the node; the facts must survive the trip."""
    err = pickle.loads(pickle.dumps(ShapeError("rgba", "(4, 8, 4) float32", (4, 8, 3))))
    assert (err.what, err.expected, err.actual, str(err)) == (
        "rgba", "(4, 8, 4) float32", (4, 8, 3), "rgba: expected (4, 8, 4) float32, got (4, 8, 3)")


def test_same_shape_names_both_arrays():
    with pytest.raises(ShapeError, match=r"result: expected the shape of source \(2, 3\), got \(3, 2\)"):
        check_same_shape("source", np.zeros((2, 3)), "result", np.zeros((3, 2)))
    check_same_shape("a", np.zeros(3), "b", np.ones(3))


def test_sequence_guard_names_the_bad_frame_and_channel():
    expr = np.zeros((4, 3))
    expr[2, 1] = np.nan
    with pytest.raises(ExpressionValueError, match="at frame 1003, channel smile"):
        check_sequence(expr, 4, ("jaw", "smile", "brow"), first_frame=1001)
    with pytest.raises(ShapeError, match=r"expected \(4, 3\) float, got \(4, 2\)"):
        check_sequence(np.zeros((4, 2)), 4, ("jaw", "smile", "brow"))
    with pytest.raises(ShapeError, match="float"):
        check_sequence(np.zeros((4, 3), np.int64), 4, ("jaw", "smile", "brow"))
    out = check_sequence(np.ones((4, 3), np.float32), 4, ("jaw", "smile", "brow"))
    assert out.dtype == np.float64 and out.shape == (4, 3)


def test_frame_mask_and_signal_guards():
    frames = np.zeros((2, 4, 5, 3), np.uint8)
    assert check_frames("frames", frames) is frames
    with pytest.raises(ShapeError, match=r"frames: expected \(T, H, W, 3\) frames"):
        check_frames("frames", np.zeros((4, 5, 3)))
    with pytest.raises(ShapeError, match=r"expected mask weights in 0..1, got values in 0.0..2.0"):
        check_masks("masks", np.array([[[0.0, 2.0]]]), (1, 1, 2, 3))
    with pytest.raises(ShapeError, match="got inf at index 1"):
        check_signal("pcc", np.array([0.0, np.inf]))


def test_every_shape_error_is_raised_with_what_expected_and_actual():
    """``ShapeError(what, expected, actual)`` everywhere (a one-string ShapeError would fail with a TypeError only
    when it is raised)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    wrong = []
    for path in sorted([*(root / "ned_core").rglob("*.py"), *(root / "ned_node").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "ShapeError":
                if len(node.args) + len(node.keywords) != 3:
                    wrong.append(f"{path.relative_to(root)}:{node.lineno}")
    assert not wrong, f"ShapeError needs (what, expected, actual): {', '.join(wrong)}"
