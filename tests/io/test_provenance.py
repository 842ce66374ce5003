"""Every output of `ned render` says it is synthetic: plates, composites (EXR header) and the preview (container)."""

from __future__ import annotations

import json

import av
import OpenImageIO as oiio

from movie_builders import Movie, build_movie, run_ned


def _header(path: str) -> dict:
    spec = oiio.ImageInput.open(path).spec()
    return {a.name: a.value for a in spec.extra_attribs}


def test_plates_composites_and_preview_are_marked_synthetic(tmp_path):
    build_movie(tmp_path, Movie("take.mp4", frames=3))
    done = run_ned(tmp_path, "render", "take.mp4", "--emotion", "sad", "--out", str(tmp_path / "out"), "--preview",
                   "--composite", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    for exr in [*summary["plates"], *summary["composite"]]:
        header = _header(exr)
        assert header["ned/synthetic"] == 1
        assert "SYNTHETIC CONTENT" in header["ImageDescription"] and "AI edit" in header["ImageDescription"]
    assert _header(summary["plates"][0])["ImageDescription"].startswith("NED face plate")
    with av.open(summary["preview"]) as movie:
        assert movie.metadata["ned/synthetic"] == "1"
        assert movie.metadata["comment"].startswith("SYNTHETIC CONTENT")
