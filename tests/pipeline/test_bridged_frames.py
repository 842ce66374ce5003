"""Plates over bridged frames: a hand passes in front of the face, the tracker bridges the frames it lost the face
in, and the plate fades out there instead of painting the edited face over the hand (recorded per frame)."""

from __future__ import annotations

import numpy as np
import OpenImageIO as oiio
import pytest

from ned_core.composite import CompositeConfig
from ned_core.composite.bridge import bridge_opacity
from ned_core.synthetic import write_png_sequence
from ned_core.synthetic.footage import ClipSpec, ShotSpec, build_footage, photo_faces

FIRST = 1001


@pytest.fixture(scope="module")
def hand_clip(tmp_path_factory, mesh_models, analysis_config):
    """The synthetic footage's hand-occlusion shot and, per frame, where the hand is: ``(pattern, (T, H, W) bool)``
    (the same shot filmed without the hand differs exactly there)."""
    boxes = photo_faces(mesh_models, analysis_config)

    def spec(hand: bool) -> ClipSpec:
        return ClipSpec("hand", (ShotSpec("astronaut", 36, "edge", "neutral", seed=3, hand=hand),))

    clip, plain = build_footage(spec(True), boxes), build_footage(spec(False), boxes)
    folder = tmp_path_factory.mktemp("hand")
    write_png_sequence(clip.frames, folder, "hand", FIRST)
    return str(folder / "hand.####.png"), np.any(clip.frames != plain.frames, axis=-1)


@pytest.fixture(scope="module")
def rendered(hand_clip, analyse, render, read_back, tmp_path_factory):
    pattern, _ = hand_clip
    track = analyse(pattern).track.track
    summary = render(pattern, tmp_path_factory.mktemp("plates"), emotion="happy")
    frames = {f.number: f for f in read_back(pattern, summary)}
    return track, summary, frames


def _alpha(frame, hand: np.ndarray) -> np.ndarray:
    """The plate's alpha over the whole frame."""
    full = np.zeros(hand.shape, np.float32)
    x0, y0, x1, y1 = frame.plate.data_window
    full[y0:y1, x0:x1] = frame.plate.rgba[..., 3]
    return full


def test_the_plate_never_covers_the_hand_on_bridged_frames(hand_clip, rendered):
    _, hand = hand_clip
    track, summary, frames = rendered
    bridged = [int(f) for f in track.frames[track.interpolated]]
    assert bridged, "the hand must make the tracker bridge a gap (else this test tests nothing)"
    for number in bridged:
        covered = hand[number - FIRST]
        assert covered.sum() > 50  # the hand is in front of the face there
        assert _alpha(frames[number], covered)[covered].max() <= 0.01, number
    # an observed frame well away from the gap is edited as usual
    far = min(set(int(f) for f in track.frames) - set(range(bridged[0] - 3, bridged[-1] + 4)))
    assert frames[far].plate.rgba[..., 3].max() > 0.99


def test_the_fade_is_smooth_and_recorded_in_each_plate(rendered):
    track, summary, frames = rendered
    bridged = [int(f) for f in track.frames[track.interpolated]]
    fade = CompositeConfig().bridge_fade
    peaks, recorded, occluded = [], [], []
    for number in range(bridged[0] - fade - 1, bridged[0] + 1):
        spec = oiio.ImageInput.open(str(summary.plates[number - FIRST])).spec()
        assert spec.getattribute("ned/bridge_fade") == fade
        recorded.append(spec.getattribute(f"ned/bridge_opacity/{track.track_id}"))
        occluded.append(spec.getattribute(f"ned/occlusion/{track.track_id}"))
        peaks.append(float(frames[number].plate.rgba[..., 3].max()))
    assert recorded[0] is None and recorded[-1] == 0.0  # opaque before the ramp: no attribute; 0 on the gap
    assert all(0 < w < 1 for w in recorded[1:-1]) and recorded[1:-1] == sorted(recorded[1:-1], reverse=True)
    assert peaks == sorted(peaks, reverse=True) and peaks[0] > 0.99 and peaks[-1] <= 0.01  # eases out, no pop
    for w, peak, hidden in zip(recorded[1:-1], peaks[1:-1], occluded[1:-1]):
        if hidden is None:
            assert peak == pytest.approx(w, abs=0.02)  # the plate's alpha is scaled by the recorded opacity
        else:  # ... and by the occlusion mask, which took the hand's part (the face's middle) off the plate
            assert 0.2 * w < peak <= w + 0.02


def test_opacity_is_zero_on_the_gap_and_eases_over_fade_frames_either_side():
    frames = np.arange(1, 21)
    interpolated = np.isin(frames, [9, 10, 11])
    w = bridge_opacity(frames, interpolated, fade=2)
    assert w[8:11].tolist() == [0, 0, 0] and w[:5].tolist() == [1] * 5 and w[14:].tolist() == [1] * 6
    assert 0 < w[7] < w[6] < 1 and w[7] == pytest.approx(w[11]) and w[6] == pytest.approx(w[12])
    assert bridge_opacity(frames, interpolated, fade=0)[[7, 11]].tolist() == [1, 1]  # a cut: only the gap
    assert bridge_opacity(frames, np.zeros(20, bool), fade=2).tolist() == [1] * 20


def test_the_plate_is_not_painted_over_the_hand_while_the_mesh_still_follows_the_face(hand_clip, rendered):
    """On the observed frames either side of the gap the hand covers part of the face; the occlusion mask keeps the
    plate off it (without the mask about 18 % of the hand's pixels' worth of alpha is painted over it there), records
    how much of the plate it removed, and leaves the clean frames alone."""
    _, hand = hand_clip
    track, summary, frames = rendered
    observed = [int(f) for f, bridged in zip(track.frames, track.interpolated) if not bridged]
    near = [n for n in observed if hand[n - FIRST].sum() > 500 and frames[n].plate.rgba[..., 3].max() > 0.5]
    assert len(near) >= 2, "the hand must cover the face on observed frames with a visible plate"
    painted = [float(_alpha(frames[n], hand[n - FIRST])[hand[n - FIRST]].mean()) for n in near]
    assert max(painted) < 0.04 and np.mean(painted) < 0.02, painted
    for n in near:
        spec = oiio.ImageInput.open(str(summary.plates[n - FIRST])).spec()
        assert spec.getattribute(f"ned/occlusion/{track.track_id}") > 0.02, n
        assert spec.getattribute("ned/occlusion_mask").startswith("threshold=4.0,")  # the settings, for reproduction
    clean = [n for n in observed if not hand[max(n - FIRST - 2, 0):n - FIRST + 3].any()]
    for n in clean:
        spec = oiio.ImageInput.open(str(summary.plates[n - FIRST])).spec()
        assert spec.getattribute(f"ned/occlusion/{track.track_id}") is None, n
