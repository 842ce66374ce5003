"""Mouth retrieval: the index keeps open mouths, finds the nearest shape, and fills wider mouths sensibly."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest

from ned_core.analysis.mask import polygon_mask
from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER, interocular_distance, polygon
from ned_core.exceptions import MouthIndexError
from ned_core.render import MOUTH_RETRIEVED, MOUTH_SYNTHESISED, MeshWarpRenderer, RenderConfig, build_mouth_index
from ned_core.render.mouth_fill import fill_weight, parted_growth
from ned_core.render.mouth_index import mouth_shape


def inner_mouth_pixels(landmarks: np.ndarray, frame_size: tuple[int, int], erode_px: int) -> np.ndarray:
    """``(H, W) bool`` inside the inner-lip polygon, eroded by ``erode_px`` (dilated when negative)."""
    hard = polygon_mask(polygon(landmarks, "lips_inner"), frame_size, 0.0).full(frame_size).astype(np.uint8)
    kernel = np.ones((2 * abs(erode_px) + 1,) * 2, np.uint8)
    return (cv2.erode(hard, kernel) if erode_px >= 0 else cv2.dilate(hard, kernel)) > 0


def test_index_holds_only_open_mouths_and_retrieves_the_nearest_shape(speaking_shot) -> None:
    config = RenderConfig()
    index = build_mouth_index(speaking_shot, config)
    openings = np.array([mouth_shape(lm)[1] for lm in speaking_shot.landmarks])
    open_frames = speaking_shot.frames[openings >= config.mouth_open]
    assert 0 < len(index.frames) == len(open_frames) and set(index.frames) == set(open_frames)
    assert index.patches.shape[1:] == (72, 96, 3) and index.patches.dtype == np.float32
    for row in np.flatnonzero(openings >= config.mouth_open):
        # every open frame's own shape retrieves itself
        slot = index.nearest(mouth_shape(speaking_shot.landmarks[row])[0])
        assert index.frames[slot] == speaking_shot.frames[row]


def test_index_is_bounded_and_diverse(speaking_shot) -> None:
    index = build_mouth_index(speaking_shot, RenderConfig(max_patches=4))
    assert len(index.frames) == 4 and np.all(np.diff(index.frames) > 0)
    all_open = build_mouth_index(speaking_shot, RenderConfig())
    assert index.openings.max() == all_open.openings.max()  # the widest mouth is always kept


def test_wider_target_mouth_is_filled_from_the_shot(speaking_shot, speaking_clip) -> None:
    renderer = MeshWarpRenderer()
    renderer.prepare(speaking_shot)
    openings = np.array([mouth_shape(lm)[1] for lm in speaking_shot.landmarks])
    closed, wide = int(np.argmin(openings)), int(np.argmax(openings))
    reader = speaking_shot.frame_reader
    frame = reader(int(speaking_shot.frames[closed]))
    src, dst = speaking_shot.landmarks[closed], speaking_shot.landmarks[wide]
    out = renderer.render(int(speaking_shot.frames[closed]), frame, src, dst)
    assert out.flags["mouth_fill"] == MOUTH_RETRIEVED
    assert out.flags["mouth_frame"] == speaking_shot.frames[wide]
    # the filled interior looks like the real open mouth of that frame (same actor, same light): teeth, not a hole
    inside = inner_mouth_pixels(dst, frame.shape[:2], erode_px=2)
    got = out.paste(frame)[inside]
    want = reader(int(speaking_shot.frames[wide]))[inside]
    assert np.abs(got.mean(axis=0) - want.mean(axis=0)).max() < 0.03
    assert got.max() > 0.5  # teeth
    assert np.abs(got - want).mean() < 0.08


def test_without_open_mouth_frames_the_interior_is_synthesised_dark_not_black(speaking_shot) -> None:
    openings = np.array([mouth_shape(lm)[1] for lm in speaking_shot.landmarks])
    closed_rows = openings < 0.02
    shot = dataclasses.replace(speaking_shot, frames=speaking_shot.frames[closed_rows],
                               landmarks=speaking_shot.landmarks[closed_rows])
    renderer = MeshWarpRenderer()
    renderer.prepare(shot)
    assert renderer.mouth_index.empty
    with pytest.raises(MouthIndexError, match="no open-mouth frame"):
        renderer.mouth_index.nearest(np.zeros(2 * len(LIPS_INNER)))
    row = int(np.argmin(openings))
    frame = speaking_shot.frame_reader(int(speaking_shot.frames[row]))
    dst = speaking_shot.landmarks[int(np.argmax(openings))]
    out = renderer.render(1, frame, speaking_shot.landmarks[row], dst)
    assert out.flags["mouth_fill"] == MOUTH_SYNTHESISED
    inside = out.paste(frame)[inner_mouth_pixels(dst, frame.shape[:2], erode_px=2)]
    lips = frame[inner_mouth_pixels(speaking_shot.landmarks[row], frame.shape[:2], erode_px=-3)]
    assert inside.min() > 0.0 and inside.mean() < 0.5 * lips.mean()  # a shadowed cavity, never pure black


def test_smaller_target_mouth_needs_no_fill(speaking_shot) -> None:
    openings = np.array([mouth_shape(lm)[1] for lm in speaking_shot.landmarks])
    closed, wide = int(np.argmin(openings)), int(np.argmax(openings))
    renderer = MeshWarpRenderer()
    renderer.prepare(speaking_shot)
    frame = speaking_shot.frame_reader(int(speaking_shot.frames[wide]))
    out = renderer.render(1, frame, speaking_shot.landmarks[wide], speaking_shot.landmarks[closed])
    assert out.flags["mouth_fill"] is None


def test_failing_frame_reader_names_the_frame(speaking_shot) -> None:
    def broken(number: int) -> np.ndarray:
        raise OSError("disk gone")

    with pytest.raises(MouthIndexError, match=r"frame 10\d\d.*disk gone"):
        build_mouth_index(dataclasses.replace(speaking_shot, frame_reader=broken), RenderConfig())
    with pytest.raises(MouthIndexError, match="should be"):
        build_mouth_index(dataclasses.replace(speaking_shot, frame_reader=lambda n: np.zeros((4, 4, 3))),
                          RenderConfig())


def test_fill_fades_in_with_the_growth_of_the_opening() -> None:
    config = RenderConfig()
    growth = np.linspace(-0.01, 0.04, 51)
    weights = np.array([fill_weight(g, config) for g in growth])
    assert weights[growth < config.fill_start - 1e-9].max() == 0.0
    assert weights[growth > config.fill_full + 1e-9].min() == 1.0
    assert np.all(np.diff(weights) >= 0) and np.abs(np.diff(weights)).max() < 0.15  # no pop


def test_a_shot_keeps_its_retrieved_mouth_while_it_fits(speaking_shot) -> None:
    """Temporal coherence: rendering in frame order, the teeth do not switch source frame at every frame."""
    openings = np.array([mouth_shape(lm)[1] for lm in speaking_shot.landmarks])
    wide = speaking_shot.landmarks[int(np.argmax(openings))]
    rows = np.argsort(openings)[: max(6, len(openings) // 3)]  # the most closed frames, opened wide
    rows.sort()

    def sources(stickiness: float) -> list[int]:
        renderer = MeshWarpRenderer(RenderConfig(mouth_stickiness=stickiness))
        renderer.prepare(speaking_shot)
        used = []
        for row in rows:
            frame = speaking_shot.frame_reader(int(speaking_shot.frames[row]))
            src = speaking_shot.landmarks[row]
            jitter = (np.sin(row) * 0.004 * np.ptp(wide[:, 0]))  # target shape varies a little per frame
            out = renderer.render(int(speaking_shot.frames[row]), frame, src, wide + jitter)
            assert out.flags["mouth_fill"] == MOUTH_RETRIEVED
            used.append(out.flags["mouth_frame"])
        return used

    sticky = sources(0.5)
    assert len(set(sticky)) == 1  # one interior for the whole run of similar targets
    index = build_mouth_index(speaking_shot, RenderConfig())
    best = index.nearest(mouth_shape(wide)[0])
    near = np.linalg.norm(index.descriptors - index.descriptors[best], axis=1)
    other = int(np.argsort(near)[1])
    assert index.nearest(index.descriptors[best], previous=other, stickiness=0.0) == best
    assert index.nearest(0.9 * index.descriptors[best] + 0.1 * index.descriptors[other], previous=other,
                         stickiness=10.0) == other
    # only the slots ``among`` may be chosen, the previous one included (mouth_fill's stored mouths with a cavity)
    among = np.ones(len(index.frames), bool)
    among[best] = False
    assert index.nearest(index.descriptors[best], among=among) == other
    among[other] = False
    assert index.nearest(index.descriptors[best], previous=other, stickiness=10.0, among=among) not in (best, other)


def _widened(landmarks: np.ndarray, factor: float) -> np.ndarray:
    """``landmarks`` with the lips stretched sideways by ``factor`` about the mouth centre (a smile widening)."""
    out = landmarks.copy()
    lips = list(LIPS_INNER + LIPS_OUTER)
    centre = out[lips, 0].mean()
    out[lips, 0] = centre + factor * (out[lips, 0] - centre)
    return out


def test_a_smile_that_only_widens_the_mouth_is_not_filled(speaking_shot) -> None:
    """Widening uncovers the source's own teeth, which the warp carries: no interior from another frame."""
    openings = np.array([mouth_shape(lm)[1] for lm in speaking_shot.landmarks])
    row = int(np.argmax(openings))
    src = speaking_shot.landmarks[row]
    dst = _widened(src, 1.3)
    assert mouth_shape(dst)[1] - openings[row] > RenderConfig().fill_full  # the inner-lip area grew a lot
    # (the pose normalisation moves a little)
    assert parted_growth(mouth_shape(src)[0], mouth_shape(dst)[0], RenderConfig()) < 0.1 * RenderConfig().fill_start
    renderer = MeshWarpRenderer()
    renderer.prepare(speaking_shot)
    out = renderer.render(int(speaking_shot.frames[row]), speaking_shot.frame_reader(int(speaking_shot.frames[row])),
                          src, dst)
    assert out.flags["mouth_fill"] is None


def _upper_lip_raised(landmarks: np.ndarray, iod_share: float) -> np.ndarray:
    """``landmarks`` with the upper lip (inner and outer, corners kept) raised by ``iod_share`` IOD (disgust's AU10)."""
    out = landmarks.copy()
    upper = list(LIPS_INNER[11:] + LIPS_OUTER[12:])
    out[upper, 1] -= iod_share * interocular_distance(landmarks[:, :2])
    return out


def test_an_upper_lip_raised_over_a_syllable_keeps_the_mouths_own_interior(speaking_shot) -> None:
    """Disgust raises the upper lip 0.025 IOD: over a mouth open for a syllable the warp stretches the frame's own
    interior (the words' teeth), where another frame's interior cross-faded in at a partial weight was re-read as a
    smaller opening (the speaking astronaut's disgusted mouth PCC 0.86); over closed lips it is still filled."""
    renderer = MeshWarpRenderer()
    renderer.prepare(speaking_shot)
    openings = np.array([mouth_shape(lm)[1] for lm in speaking_shot.landmarks])
    for row, filled in ((int(np.argmax(openings)), False), (int(np.argmin(openings)), True)):
        src = speaking_shot.landmarks[row]
        number = int(speaking_shot.frames[row])
        out = renderer.render(number, speaking_shot.frame_reader(number), src, _upper_lip_raised(src, 0.025))
        assert (out.flags["mouth_fill"] is not None) == filled, (row, openings[row], out.flags["mouth_fill"])


def test_parting_growth_counts_at_most_the_source_mouth_width(speaking_shot) -> None:
    openings = np.array([mouth_shape(lm)[1] for lm in speaking_shot.landmarks])
    closed, wide = speaking_shot.landmarks[int(np.argmin(openings))], speaking_shot.landmarks[int(np.argmax(openings))]
    parted = parted_growth(mouth_shape(closed)[0], mouth_shape(wide)[0], RenderConfig())
    assert parted > RenderConfig().fill_full  # the speech's widest frame parts the lips well beyond the closed one
    wider = parted_growth(mouth_shape(closed)[0], mouth_shape(_widened(wide, 1.4))[0], RenderConfig())
    assert wider == pytest.approx(parted, rel=0.05)
    assert parted_growth(mouth_shape(wide)[0], mouth_shape(closed)[0], RenderConfig()) == 0.0  # closing never fills
