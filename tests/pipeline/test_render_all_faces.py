"""`--track all`: every face of the frame edited, one EXR per frame with a ``track<id>`` layer per face."""

from __future__ import annotations

import numpy as np
import OpenImageIO as oiio
import pytest

from ned_core.exceptions import NoFaceInShotError, NoFaceTrackError, RenderJobError

BASE = ("R", "G", "B", "A", "facemask.A")


@pytest.fixture(scope="module")
def pair(analyse, pair_still):
    """The two-face still and its tracks, left face first: ``(shot, [left track, right track])``."""
    shot = analyse(pair_still)
    tracks = sorted(shot.analysis.analysis.tracks, key=lambda t: t.track.boxes[0][0])
    assert len(tracks) == 2
    return shot, tracks


@pytest.fixture(scope="module")
def all_faces(render, read_back, pair, pair_still, tmp_path_factory):
    summary = render(pair_still, tmp_path_factory.mktemp("all"), emotion="happy", track="all")
    return summary, read_back(pair_still, summary)[0]


def _box(track) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = track.track.boxes[0]
    return int(x0), int(y0), int(np.ceil(x1)), int(np.ceil(y1))


def _change(frame, box) -> float:
    x0, y0, x1, y1 = box
    diff = frame.result_srgb.astype(float) - frame.source_srgb
    return float(np.abs(diff[y0:y1, x0:x1]).mean())


def test_all_edits_every_face_in_one_exr_with_a_layer_per_face(all_faces, pair):
    summary, frame = all_faces
    _, tracks = pair
    ids = sorted(int(t.track.track_id) for t in tracks)
    assert summary.tracks == tuple(ids) and summary.track is None
    spec = oiio.ImageInput.open(str(summary.plates[0])).spec()
    layers = tuple(f"track{i}.{c}" for i in ids for c in "RGBA")
    assert sorted(spec.channelnames) == sorted(BASE + layers)
    assert spec.getattribute("ned/tracks") == ",".join(map(str, ids))
    wx0, wy0, wx1, wy1 = spec.x, spec.y, spec.x + spec.width, spec.y + spec.height
    for track in tracks:  # the data window holds both faces, and both are edited
        x0, y0, x1, y1 = _box(track)
        assert wx0 <= x0 and wy0 <= y0 and x1 <= wx1 and y1 <= wy1
        assert _change(frame, _box(track)) > 1.0, f"face track {track.track.track_id} unchanged"


def test_each_face_layer_holds_that_face_alone_and_facemask_is_the_union(all_faces, pair):
    _, frame = all_faces
    _, tracks = pair
    plate = frame.plate
    x0, y0 = plate.data_window[:2]
    for track, other in (tracks, tracks[::-1]):
        alpha = plate.faces[int(track.track.track_id)][..., 3]
        bx0, by0, bx1, by1 = _box(track)
        ox0, oy0, ox1, oy1 = _box(other)
        assert alpha[by0 - y0:by1 - y0, bx0 - x0:bx1 - x0].max() > 0.9
        assert alpha[max(oy0 - y0, 0):oy1 - y0, max(ox0 - x0, 0):ox1 - x0].max() == 0
    union = 1 - np.prod([1 - layer[..., 3] for layer in plate.faces.values()], axis=0)
    np.testing.assert_allclose(plate.mask, union, atol=2e-3)
    np.testing.assert_allclose(plate.rgba[..., 3], plate.mask, atol=2e-3)


def test_one_track_keeps_the_single_face_layout_and_edits_only_that_face(render, read_back, pair, pair_still,
                                                                         tmp_path):
    _, (left, right) = pair
    summary = render(pair_still, tmp_path, emotion="happy", track=int(right.track.track_id))
    frame = read_back(pair_still, summary)[0]
    spec = oiio.ImageInput.open(str(summary.plates[0])).spec()
    assert tuple(spec.channelnames) == BASE and summary.tracks == (int(right.track.track_id),)
    assert _change(frame, _box(right)) > 1.0 and _change(frame, _box(left)) == 0


def test_unknown_track_lists_the_ids_there_are(render, pair, pair_still, tmp_path):
    _, tracks = pair
    with pytest.raises(NoFaceTrackError) as err:
        render(pair_still, tmp_path / "bad", emotion="happy", track=7)
    for t in tracks:
        assert str(t.track.track_id) in str(err.value).split("tracks:")[1]
    assert not (tmp_path / "bad").exists() or not list((tmp_path / "bad").glob("*.exr"))
    with pytest.raises(RenderJobError, match="'every'"):
        render(pair_still, tmp_path / "bad", emotion="happy", track="every")


def test_an_asked_id_in_a_shot_without_faces_names_the_range(render, tmp_path):
    blank = tmp_path / "blank.png"
    assert oiio.ImageBuf(np.full((64, 96, 3), 40, np.uint8)).write(str(blank))
    for field in ("track", "character"):
        with pytest.raises(NoFaceTrackError, match=f"no {field} 2: no face found in frames 1 of .*blank.png"):
            render(blank, tmp_path / "out", emotion="happy", **{field: 2})
    with pytest.raises(NoFaceInShotError, match=r"no face found in shot 0 \(frames 1-1\)"):  # all: nothing to edit
        render(blank, tmp_path / "out", emotion="happy", track="all")
