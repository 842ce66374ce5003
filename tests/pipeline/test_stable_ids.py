"""Track ids come from the whole source: ``--frames`` selects frames and never renumbers faces (issue 11)."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.exceptions import NoFaceTrackError
from ned_core.io.plates import open_plates
from ned_core.pipeline.analyze import analyze_and_fit
from ned_core.pipeline.config import NedConfig
from ned_core.synthetic import build_footage, dev_clips, photo_faces, write_mp4, write_png_sequence

FIRST = 1001


@pytest.fixture(scope="module")
def editorial(mesh_models, analysis_config):
    """The dev editorial clip (5 shots, one actor each): 162 frames."""
    return build_footage(dev_clips()[0], photo_faces(mesh_models, analysis_config))


@pytest.fixture(scope="module")
def sequence(editorial, tmp_path_factory):
    folder = tmp_path_factory.mktemp("editorial")
    write_png_sequence(editorial.frames, folder, "shot", FIRST)
    return folder


def fit(source: str, frames: str | None, config: NedConfig, models, face_model, **kw):
    with open_plates(source, frames=frames, colour=config.colour, **kw) as plates:
        return analyze_and_fit(plates, config, models=models, model=face_model)


def test_a_sub_range_keeps_the_ids_of_the_whole_source(sequence, editorial, tmp_path, analysis_config, mesh_models, face_model):
    config = NedConfig(analysis=analysis_config, cache_dir=tmp_path / "cache")
    pattern = str(sequence / "shot.####.png")
    whole = fit(pattern, None, config, mesh_models, face_model).analysis
    ids = {t.track.track_id: t for t in whole.tracks}
    assert len(whole.shot_ranges()) == 5 and len(ids) >= 5
    later = max((t for t in whole.tracks if t.track.shot == 3), key=lambda t: len(t.track.frames))  # starts late
    first, last = int(later.track.frames[3]), int(later.track.frames[-4])
    part = fit(pattern, f"{first}-{last}", config, mesh_models, face_model)
    assert part.cache_hit  # the whole source's analysis, from the cache
    np.testing.assert_array_equal(part.analysis.frames, range(first, last + 1))
    chosen = part.analysis.track(later.track.track_id)  # the id the whole analysis listed
    np.testing.assert_array_equal(chosen.track.frames, later.track.frames[3:-3])
    np.testing.assert_array_equal(chosen.landmarks, later.landmarks[3:-3])
    assert set(part.fits) == {t.track.track_id for t in part.analysis.tracks}
    assert later.track.track_id in part.fits
    for other in part.analysis.tracks:  # only the outgoing shot's face on the dissolve's mixed frames, ids kept
        if other.track.track_id != later.track.track_id:
            assert other.track.track_id in ids and other.track.shot == 2
            assert all({f.shot for f in editorial.faces[n - FIRST]} == {2, 3} for n in other.track.frames)
    for shot, a, b in part.analysis.shot_ranges():  # the range may start in the dissolve into shot 3
        assert shot == 3 or all({f.shot for f in editorial.faces[n - FIRST]} == {2, 3} for n in range(a, b + 1))
    assert 3 in {s for s, _, _ in part.analysis.shot_ranges()}
    with pytest.raises(NoFaceTrackError, match=f"tracks: \\[.*{later.track.track_id}"):
        part.analysis.track(0)  # a face outside the range is not offered


def test_a_missing_frame_outside_the_range_does_not_fail(sequence, tmp_path, analysis_config, mesh_models,
                                                         face_model):
    gappy = tmp_path / "gappy"
    gappy.mkdir()
    for path in sorted(sequence.iterdir()):
        if path.name != f"shot.{FIRST + 5}.png":
            (gappy / path.name).symlink_to(path)
    config = NedConfig(analysis=analysis_config, cache_dir=None)
    part = fit(str(gappy / "shot.####.png"), f"{FIRST + 100}-{FIRST + 110}", config, mesh_models, face_model)
    np.testing.assert_array_equal(part.analysis.frames, range(FIRST + 100, FIRST + 111))
    assert part.analysis.tracks and not part.cache_hit


def test_a_movie_sub_range_keeps_ids(editorial, tmp_path, analysis_config, mesh_models, face_model):
    movie = write_mp4(editorial.frames[:70], tmp_path / "shots.mp4", fps=24.0)
    config = NedConfig(analysis=analysis_config, cache_dir=tmp_path / "cache")
    whole = fit(str(movie), None, config, mesh_models, face_model, start_frame=FIRST).analysis
    second = max((t for t in whole.tracks if t.track.shot == 1), key=lambda t: len(t.track.frames))
    part = fit(str(movie), f"{FIRST + 40}-{FIRST + 50}", config, mesh_models, face_model, start_frame=FIRST)
    assert part.cache_hit and [t.track.track_id for t in part.analysis.tracks] == [second.track.track_id]


def test_render_of_a_sub_range_finds_the_listed_track(sequence, tmp_path, analysis_config, mesh_models, face_model):
    from ned_core.pipeline.render_job import render_shot
    from ned_core.pipeline.request import RenderRequest

    config = NedConfig(analysis=analysis_config, cache_dir=tmp_path / "cache")
    pattern = str(sequence / "shot.####.png")
    whole = fit(pattern, None, config, mesh_models, face_model).analysis
    listed = max((t for t in whole.tracks if t.track.shot == 4), key=lambda t: len(t.track.frames))
    first = int(listed.track.frames[0]) + 2
    request = RenderRequest(source=pattern, out_dir=str(tmp_path / "out"), emotion="happy",
                            frames=f"{first}-{first + 5}", track=listed.track.track_id)
    summary = render_shot(request, config, models=mesh_models)
    assert summary.track == listed.track.track_id and len(summary.plates) == 6 and summary.no_face_frames == ()
