"""`render_shot` on real faces: the emotion changes the right parts of the face and nothing else.

The astronaut (smiling) and Grace Hopper (neutral) stills are rendered to happy, sad and surprised;
each plate is read back from its EXR file and merged over the source as a compositor would.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ned_core.analysis import face_mask
from ned_core.analysis.regions import interocular_distance, polygon
from ned_core.evaluate.pixels import fapd_per_frame
from ned_core.render.glasses import rim_mask

EMOTIONS = ("happy", "sad", "surprised")
OWN_EMOTION = {"astronaut": "happy", "grace_hopper": "neutral"}  # what each photo plays (fer: happy 1.00, neutral 0.96)
MOUTH_CORNERS = (61, 291)
CHEEK_APPLES = (50, 280)  # below each eye (MediaPipe indices)


def _disc_mask(shape: tuple[int, int], centres: np.ndarray, radius: float) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    for x, y in centres:
        cv2.circle(mask, (round(x), round(y)), round(radius), 1, -1)
    return mask.astype(bool)


def _polygon_mask(shape: tuple[int, int], outline: np.ndarray, grow: float) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(outline).astype(np.int32)], 1)
    size = 2 * round(grow) + 1
    return cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))).astype(bool)


def _regions(landmarks: np.ndarray, shape: tuple[int, int]) -> dict[str, np.ndarray]:
    """Boolean ``(H, W)`` masks: mouth (corners + lips), brows, the rest of the face, and that rest without the
    cheek apples (a smile's cheek bulge and fold shading fade when it is taken away: render/smile_relax.py)."""
    iod = float(interocular_distance(landmarks))
    face = face_mask(landmarks, shape, 0.0).full(shape) > 0
    mouth = (_disc_mask(shape, landmarks[list(MOUTH_CORNERS), :2], 0.35 * iod)
             | _polygon_mask(shape, polygon(landmarks, "lips_outer"), 0.1 * iod))
    brows = (_polygon_mask(shape, polygon(landmarks, "right_brow"), 0.2 * iod)
             | _polygon_mask(shape, polygon(landmarks, "left_brow"), 0.2 * iod))
    cheeks = _disc_mask(shape, landmarks[list(CHEEK_APPLES), :2], 0.5 * iod)
    rest = face & ~mouth & ~brows
    return {"mouth": mouth, "brows": brows, "rest": rest, "rest_off_cheeks": rest & ~cheeks}


@pytest.fixture(scope="module", params=[(p, e) for p in OWN_EMOTION for e in EMOTIONS], ids=lambda v: "-".join(v))
def edited(request, tmp_path_factory, stills, analyse, render, read_back):
    """``(photo, emotion, source landmarks (478, 3), rendered frame)`` for each photo and target emotion."""
    photo, emotion = request.param
    summary = render(stills[photo], tmp_path_factory.mktemp(f"{photo}_{emotion}"), emotion=emotion)
    assert len(summary.plates) == 1 and summary.no_face_frames == ()
    landmarks = analyse(stills[photo]).track.landmarks[0]
    return photo, emotion, landmarks, read_back(stills[photo], summary)[0]


def _changes(frame) -> np.ndarray:
    """``(H, W) float64`` mean absolute change over R, G, B in display sRGB 0-255."""
    return np.abs(frame.result_srgb.astype(np.float64) - frame.source_srgb).mean(axis=2)


def test_data_window_holds_the_face_inside_the_frame(edited):
    _, _, landmarks, frame = edited
    height, width = frame.source.shape[:2]
    x0, y0, x1, y1 = frame.plate.data_window
    assert frame.plate.display_size == (width, height)
    assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
    mesh_lo, mesh_hi = landmarks[:468, :2].min(axis=0), landmarks[:468, :2].max(axis=0)
    assert x0 <= mesh_lo[0] and y0 <= mesh_lo[1] and mesh_hi[0] <= x1 and mesh_hi[1] <= y1
    assert (x1 - x0) * (y1 - y0) < 0.5 * width * height  # a face box, not the frame


def test_pixels_outside_the_data_window_are_untouched(edited):
    frame = edited[3]
    x0, y0, x1, y1 = frame.plate.data_window
    outside = np.ones(frame.source.shape[:2], bool)
    outside[y0:y1, x0:x1] = False
    np.testing.assert_array_equal(frame.result[outside], frame.source[outside])
    np.testing.assert_array_equal(frame.result_srgb[outside], frame.source_srgb[outside])


def test_no_seam_at_the_data_window_edge(edited):
    frame = edited[3]
    x0, y0, x1, y1 = frame.plate.data_window
    changes = _changes(frame)[y0:y1, x0:x1]
    ring = np.ones(changes.shape, bool)
    ring[2:-2, 2:-2] = False
    assert changes[ring].max() == 0.0  # the blend fades out inside the window


def test_pixels_inside_the_blend_mask_change(edited):
    frame = edited[3]
    x0, y0, x1, y1 = frame.plate.data_window
    inside = frame.plate.mask > 0.5
    # measured 3.4 (astronaut happy: she already smiles) .. 16.5 (grace_hopper surprised)
    assert _changes(frame)[y0:y1, x0:x1][inside].mean() > 2.0


def test_the_emotion_changes_the_right_regions(edited):
    photo, emotion, landmarks, frame = edited
    changes = _changes(frame)
    regions = _regions(landmarks, changes.shape)
    rims = rim_mask(frame.source, landmarks)  # Grace Hopper's glasses lie over her brows and stay (render.glasses)
    if rims is not None:
        (x0, y0, x1, y1), on = rims
        regions["brows"][y0:y1, x0:x1] &= ~on
    mean = {name: float(changes[mask].mean()) for name, mask in regions.items()}
    print(f"{photo} {emotion}: mean sRGB change per region {mean}")
    if emotion == "happy":  # mouth corners pulled up and out; brows untouched (measured >= 5x)
        assert mean["mouth"] > 5.0 and mean["mouth"] > 3.0 * mean["brows"]
    elif emotion == "sad":  # brows raised inside, corners pulled down, cheeks relaxed (measured >= 2.7x the rest)
        assert mean["mouth"] > 4.0 and mean["brows"] > 4.0
        assert min(mean["mouth"], mean["brows"]) > 2.0 * mean["rest_off_cheeks"]
    else:  # surprised: brows and lids up, jaw dropped (measured >= 2.9x the rest)
        assert mean["mouth"] > 8.0 and mean["brows"] > 8.0
        # Grace Hopper's brows lie behind her glasses' upper rims: their skin changes 1.85x the rest (the rims bent
        # with them before, 3.6x; render.glasses holds them still)
        assert min(mean["mouth"], mean["brows"]) > (1.5 if rims is not None else 2.0) * mean["rest"]


@pytest.mark.parametrize("photo", sorted(OWN_EMOTION))
def test_self_translation_reproduces_the_still(photo, tmp_path, stills, analyse, render, read_back, analysis_config):
    # intensity 0 of the photo's own emotion leaves the performance untouched; what remains is the
    # DWAA:45 compression of the plate's colour (measured FAPD: astronaut 1.26, grace_hopper 0.94)
    summary = render(stills[photo], tmp_path, emotion=f"{OWN_EMOTION[photo]}:0")
    frame = read_back(stills[photo], summary)[0]
    landmarks = analyse(stills[photo]).track.landmarks[0]
    mask = face_mask(landmarks, frame.source.shape[:2], analysis_config.mask_feather).full(frame.source.shape[:2])
    fapd = float(fapd_per_frame(frame.source_srgb[None], frame.result_srgb[None], mask[None])[0])
    print(f"{photo} self-translation FAPD {fapd:.3f}")
    assert fapd <= 2.0


def test_the_summary_says_where_the_cpu_time_went(stills, render, tmp_path):
    summary = render(stills["grace_hopper"], tmp_path, emotion="happy")
    cpu = {k: v for k, v in summary.timings.items() if k.startswith("cpu:")}
    stages = ("analysis+fit", "set-up", "render+write", "load", "render", "write", "report", "total")
    assert set(cpu) == {f"cpu:{s}" for s in stages}
    assert all(v >= 0.0 for v in cpu.values())
    assert cpu["cpu:analysis+fit"] > 0 and cpu["cpu:render"] > 0 and cpu["cpu:write"] > 0  # a face was analysed,
    # warped and written
    parts = cpu["cpu:analysis+fit"] + cpu["cpu:set-up"] + cpu["cpu:render+write"]
    assert parts <= cpu["cpu:total"] + 1e-3  # the process's phases, one after the other
    assert cpu["cpu:load"] + cpu["cpu:render"] + cpu["cpu:write"] + cpu["cpu:report"] <= cpu["cpu:render+write"] + 1e-3
