"""BlazeFace SSD maths: anchors, decoding, weighted NMS."""

from __future__ import annotations

import numpy as np

from ned_core.analysis import ssd


def test_anchor_grids_match_the_models_outputs():
    short, full = ssd.anchor_centres(ssd.SHORT_RANGE), ssd.anchor_centres(ssd.FULL_RANGE)
    assert short.shape == (896, 2) and full.shape == (2304, 2)
    # short range: 16x16 cells x 2 anchors, then 8x8 cells x 6 anchors
    np.testing.assert_allclose(short[0], [0.5 / 16, 0.5 / 16])
    np.testing.assert_allclose(short[1], short[0])
    np.testing.assert_allclose(short[2], [1.5 / 16, 0.5 / 16])
    np.testing.assert_allclose(short[512:518], np.tile([0.5 / 8, 0.5 / 8], (6, 1)))
    np.testing.assert_allclose(short[-1], [7.5 / 8, 7.5 / 8])
    np.testing.assert_allclose(full[48], [0.5 / 48, 1.5 / 48])


def test_decode_offsets_sizes_keypoints_and_threshold():
    anchors = np.array([[0.25, 0.5], [0.75, 0.5]], np.float32)
    raw = np.zeros((2, 16), np.float32)
    raw[0, :4] = [12.8, -12.8, 32, 64]  # input 128: offset +0.1, -0.1; size 0.25 x 0.5
    raw[0, 4:6] = [6.4, 0]
    logits = np.array([3.0, -3.0], np.float32)
    boxes, kps, scores = ssd.decode(raw, logits, anchors, 128, 0.5)
    assert boxes.shape == (1, 4) and kps.shape == (1, 6, 2)
    np.testing.assert_allclose(boxes[0], [0.35 - 0.125, 0.4 - 0.25, 0.35 + 0.125, 0.4 + 0.25], atol=1e-6)
    np.testing.assert_allclose(kps[0, 0], [0.3, 0.5], atol=1e-6)
    np.testing.assert_allclose(scores, [1 / (1 + np.exp(-3))], rtol=1e-6)
    # huge logits are clipped, not overflowing
    _, _, s = ssd.decode(raw, np.array([1e4, -1e4], np.float32), anchors, 128, 0.0)
    assert np.all(np.isfinite(s))


def test_weighted_nms_averages_overlaps_and_keeps_separate_faces():
    boxes = np.array([[0, 0, 10, 10], [1, 0, 11, 10], [50, 50, 60, 60]], np.float32)
    kps = np.zeros((3, 6, 2), np.float32)
    kps[1] += 3.0
    scores = np.array([0.9, 0.3, 0.8], np.float32)
    b, k, s = ssd.weighted_nms(boxes, kps, scores, 0.3)
    assert len(s) == 2 and s[0] == np.float32(0.9)
    np.testing.assert_allclose(b[0], [0.25, 0, 10.25, 10], atol=1e-5)
    np.testing.assert_allclose(k[0], 0.75, atol=1e-5)
    np.testing.assert_allclose(b[1], boxes[2])
    none = np.zeros(0, np.float32)
    empty = ssd.weighted_nms(none.reshape(0, 4), none.reshape(0, 6, 2), none, 0.3)
    assert [e.shape for e in empty] == [(0, 4), (0, 6, 2), (0,)]
