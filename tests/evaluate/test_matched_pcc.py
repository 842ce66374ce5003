"""The pixel mouth PCC is reported only over enough matched frames (evaluate/shot_eval.matched_pcc)."""

import numpy as np

from ned_core.evaluate.shot_eval import PIXEL_PCC_MIN_SHARE, matched_pcc


def _speech(frames: int = 24) -> np.ndarray:
    return 0.1 + 0.08 * np.sin(np.linspace(0.0, 5.0 * np.pi, frames))


def test_few_matched_frames_give_no_figure_and_say_why():
    source = _speech()
    result = np.full_like(source, np.nan)
    picked = [2, 9, 15, 21]  # 4 of 24 frames matched, anti-correlated there: the figure would read -1
    result[picked] = -source[picked]
    notes: list[str] = []
    assert matched_pcc(source, result, notes) is None
    assert "only 4 of 24 frames" in notes[0]


def test_enough_matched_frames_give_the_pcc_over_them():
    source = _speech()
    result = source * 0.8 + 0.01
    keep = int(np.ceil(PIXEL_PCC_MIN_SHARE * len(source)))
    result[keep:] = np.nan
    notes: list[str] = []
    assert abs(matched_pcc(source, result, notes) - 1.0) < 1e-9
    assert f"{keep} of 24 frames" in notes[0]


def test_every_frame_matched_has_no_left_out_note():
    source = _speech()
    notes: list[str] = []
    assert abs(matched_pcc(source, 2.0 * source, notes) - 1.0) < 1e-9
    assert "left out" not in notes[0]
