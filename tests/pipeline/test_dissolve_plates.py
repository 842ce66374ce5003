"""Plates over a dissolve's mix: the incoming face, found late in the mix and carried back to the new shot's start,
gets a plate on every mixed frame whose opacity is its picture's share of the mix, so over the mixed source the edit
comes in with the face instead of popping in at the mix's end (issue 11)."""

from __future__ import annotations

import numpy as np
import OpenImageIO as oiio
import pytest

from ned_core.face3d.channels import CHANNEL_NAMES
from ned_core.io.plates import open_plates
from ned_core.pipeline.export import read_analysis, read_track, write_analysis
from ned_core.synthetic import write_png_sequence
from ned_core.synthetic.footage import ClipSpec, ShotSpec, build_footage, photo_faces

FIRST = 1001
LENGTH = 14  # frames of the mix
CLIP = ClipSpec("mix", (ShotSpec("grace_hopper", 40, "edge", "neutral", seed=503),
                        ShotSpec("astronaut", 40, "fill", "dark", seed=603, transition="dissolve",
                                 transition_frames=LENGTH)))


@pytest.fixture(scope="module")
def dissolve(tmp_path_factory, mesh_models, analysis_config):
    """``(pattern, {frame number: the incoming picture's true share of the mix})``: build_footage mixes rows
    ``start + i`` at ``(i + 1) / (LENGTH + 1)``."""
    footage = build_footage(CLIP, photo_faces(mesh_models, analysis_config))
    folder = tmp_path_factory.mktemp("dissolve")
    write_png_sequence(footage.frames, folder, "mix", FIRST)
    start = CLIP.shots[0].frames - LENGTH
    share = {FIRST + start + i: (i + 1) / (LENGTH + 1) for i in range(LENGTH)}
    return str(folder / "mix.####.png"), share


@pytest.fixture(scope="module")
def rendered(dissolve, analyse, render, read_back, tmp_path_factory):
    pattern, share = dissolve
    incoming = [t.track for t in analyse(pattern).analysis.analysis.tracks if t.track.shot == 1]
    assert len(incoming) == 1
    track = incoming[0]
    frames = f"{int(track.frames[0])}-{max(share) + 4}"
    summary = render(pattern, tmp_path_factory.mktemp("plates"), emotion="sad", track=track.track_id, frames=frames)
    return track, summary, {f.number: f for f in read_back(pattern, summary)}


def _edit(frame) -> float:
    """Mean change the plate makes to the display picture where it is."""
    x0, y0, x1, y1 = frame.plate.data_window
    inside = frame.plate.rgba[..., 3] > 0.01
    change = np.abs(frame.result_srgb[y0:y1, x0:x1].astype(float) - frame.source_srgb[y0:y1, x0:x1].astype(float))
    return float(change[inside].mean()) if inside.any() else 0.0


def test_carried_mix_frames_get_plates_at_the_faces_share(dissolve, rendered):
    """Before: the carried frames were treated as a gap behind an occluder (transparent, the 2 observed frames after
    them eased in) and the occlusion mask took the outgoing picture's features for one (62-70 % of the plate off);
    the plates' opacity on the 6 mixed frames from the shot start was 0, 0, 0, 0, 0.26, 0.74 against shares of
    0.53..0.87."""
    _, share = dissolve
    track, summary, frames = rendered
    carried = [int(f) for f, bridged in zip(track.frames, track.interpolated) if bridged and int(f) in share]
    assert carried, "the incoming face must be found late in the mix and carried (else this tests nothing)"
    mixed = [n for n in sorted(frames) if n in share]
    assert len(mixed) >= 5
    for n in mixed:
        peak = float(frames[n].plate.rgba[..., 3].max())
        assert peak == pytest.approx(share[n], abs=0.07), (n, peak, share[n])  # within a frame of the mix's ramp
        attributes = oiio.ImageInput.open(str(summary.plates[n - int(track.frames[0])])).spec()
        assert attributes.getattribute(f"ned/bridge_opacity/{track.track_id}") is None, n  # no gap there
    after = [n for n in sorted(frames) if n > max(share)]
    assert all(frames[n].plate.rgba[..., 3].max() > 0.99 for n in after)


def test_the_edit_comes_in_with_the_face_without_a_pop(dissolve, rendered):
    """The change the plate makes over the mixed source grows with the face's share: no frame-to-frame jump above a
    third of the edit on the unmixed frames. (Before: 0, 0, 0, 0, 0.8, 2.1 levels on the 6 mixed frames from the shot
    start, then 4.9 on the mix's last frame, of a 5.3-level edit; now 3.8 ... 4.6, then 5.3.)"""
    _, share = dissolve
    _, _, frames = rendered
    edits = [_edit(frames[n]) for n in sorted(frames)]
    full = float(np.median([_edit(frames[n]) for n in sorted(frames) if n > max(share)]))
    assert full > 2.0  # the edit shows
    assert max(np.abs(np.diff(edits))) < full / 3, edits
    assert min(edits) > full / 3, edits


def test_plates_record_the_mix_share_they_were_given(dissolve, rendered):
    """Each plate over the mix records its face's share of the mix as ``ned/mix_share/<track id>`` (what its opacity
    was scaled by: a compositor can tell a faint plate there from a failed one); plates off the mix have none."""
    _, share = dissolve
    track, summary, frames = rendered
    recorded = {}
    for path in summary.plates:
        spec = oiio.ImageInput.open(str(path)).spec()
        recorded[spec.getattribute("ned/source_frame")] = spec.getattribute(f"ned/mix_share/{track.track_id}")
    wanted = dict(zip(track.frames.tolist(), track.mix_share.tolist()))
    mixed = [n for n in sorted(recorded) if wanted[n] < 1.0]
    assert len(mixed) >= 5 and all(n in share for n in mixed)
    for n, value in recorded.items():
        if n in mixed:
            assert value == pytest.approx(wanted[n], abs=1e-4) and value == pytest.approx(share[n], abs=0.07), n
        else:
            assert value is None, n


def test_the_exported_analysis_holds_the_mix_share(dissolve, analyse, ned_config, tmp_path):
    """``ned analyze --out`` (``write_analysis``) writes each track's ``mix_share`` per frame and counts its mixed
    frames; ``read_track`` gives it back, and all 1 for a track file written before it."""
    pattern, share = dissolve
    shot = analyse(pattern).analysis
    with open_plates(pattern, colour=ned_config.colour) as plates:
        info = plates.info
    write_analysis(tmp_path, info, shot.source_hash, shot.analysis, shot.fits, CHANNEL_NAMES)
    doc = read_analysis(tmp_path)
    mixed_tracks = 0
    for row, t in zip(doc["tracks"], shot.analysis.tracks):
        arrays = read_track(tmp_path / row["file"])
        np.testing.assert_array_equal(arrays["frames"], t.track.frames)
        np.testing.assert_allclose(arrays["mix_share"], t.track.mix_share)
        assert row["mixed_frames"] == int((arrays["mix_share"] < 1).sum())
        inside = np.isin(arrays["frames"], list(share))
        assert (arrays["mix_share"][~inside] == 1).all()
        mixed_tracks += row["mixed_frames"] > 0
    assert mixed_tracks == 2  # the outgoing face fades out, the incoming one in
    older = {k: v for k, v in np.load(tmp_path / doc["tracks"][0]["file"]).items() if k not in ("mix_share", "held")}
    np.savez(tmp_path / "old.npz", **older)
    arrays = read_track(tmp_path / "old.npz")
    assert (arrays["mix_share"] == 1).all() and not arrays["held"].any()
    assert len(arrays["mix_share"]) == len(arrays["frames"])
