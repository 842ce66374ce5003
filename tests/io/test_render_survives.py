"""`ned render` never loses the plates: optional outputs that fail and damaged media become warnings.

Real movies (a face photo, a tone) built with PyAV, some with scrambled packets; `ned render` runs as a user runs
it. Decision tested here (README, "Optional outputs"): a preview or composite that cannot be written leaves
every plate written and reported, exit status 0, a warning naming the output, and ``failed_outputs`` in --json.
"""

from __future__ import annotations

import json
from pathlib import Path

import av
import pytest

from movie_builders import Movie, build_movie, run_ned

FRAMES = 8


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("survives")
    build_movie(folder, Movie("take.mp4", frames=FRAMES))
    build_movie(folder, Movie("ac3.avi", codec="mpeg4", audio="ac3", damage_audio=(2, 5), frames=FRAMES))
    build_movie(folder, Movie("mute.avi", codec="mjpeg", pix_fmt="yuvj420p", audio="ac3",
                              damage_audio=tuple(range(40)), frames=FRAMES))
    build_movie(folder, Movie("broken.avi", codec="mjpeg", pix_fmt="yuvj420p", audio="pcm_s16le",
                              damage_video=(3,), frames=FRAMES))
    build_movie(folder, Movie("dnx.mxf", codec="dnxhd", pix_fmt="yuv422p10le", options={"profile": "dnxhr_hqx"},
                              audio="pcm_s24le", layout="mono", frames=FRAMES, size=256))
    return folder


def _render(folder: Path, source: str, out: str, *extra: str) -> tuple[int, dict, str]:
    done = run_ned(folder, "render", source, "--emotion", "happy", "--out", out, "--json", *extra)
    return done.returncode, (json.loads(done.stdout) if done.stdout.strip() else {}), done.stderr


def _audio_seconds(movie: str) -> float:
    with av.open(movie) as container:
        if not container.streams.audio:
            return 0.0
        stream = container.streams.audio[0]
        return sum(f.samples for f in container.decode(stream)) / stream.codec_context.sample_rate


def _plates(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.exr"))


def test_a_preview_that_cannot_be_written_leaves_the_plates_and_a_warning(media):
    out = media / "blocked"
    (out / "take.ned.preview.mp4").mkdir(parents=True)  # a folder where the movie goes: the rename fails
    status, summary, stderr = _render(media, "take.mp4", str(out), "--preview")
    assert status == 0, stderr
    assert _plates(out) == [f"take.ned.{n:04d}.exr" for n in range(FRAMES)]
    assert len(summary["plates"]) == FRAMES and summary["preview"] is None
    assert summary["failed_outputs"] == ["preview"]
    assert any(w.startswith("preview not written") and f"the {FRAMES} plates are complete" in w
               for w in summary["warnings"])
    assert "preview not written" in stderr  # logged too (--json keeps stdout for the summary)
    assert not [p for p in out.iterdir() if ".partial-" in p.name]


def test_a_composite_that_cannot_be_written_leaves_the_plates_and_the_preview(media):
    out = media / "comp-blocked"
    (out / "composite" / "take.ned.0003.exr").mkdir(parents=True)
    status, summary, stderr = _render(media, "take.mp4", str(out), "--preview", "--composite")
    assert status == 0, stderr
    assert len(_plates(out)) == FRAMES and Path(summary["preview"]).is_file()
    assert summary["failed_outputs"] == ["composite"]
    assert [Path(p).name for p in summary["composite"]] == [f"take.ned.{n:04d}.exr" for n in range(3)]
    assert any("composite not written: stopped at frame 3" in w for w in summary["warnings"])


def test_damaged_ac3_packets_are_skipped_with_their_times(media):
    status, summary, stderr = _render(media, "ac3.avi", str(media / "ac3"), "--preview")
    assert status == 0, stderr
    assert len(summary["plates"]) == FRAMES
    damaged = [w for w in summary["warnings"] if "damaged audio packet" in w]
    assert damaged and " s" in damaged[0] and "ac3.avi" in damaged[0]
    assert _audio_seconds(summary["preview"]) == pytest.approx(FRAMES / 24, abs=0.05)  # silence keeps the length


def test_audio_that_cannot_be_decoded_gives_a_silent_preview(media):
    status, summary, stderr = _render(media, "mute.avi", str(media / "mute"), "--preview")
    assert status == 0, stderr
    assert any("the preview has no audio" in w for w in summary["warnings"])
    with av.open(summary["preview"]) as movie:
        assert not movie.streams.audio and sum(1 for _ in movie.decode(video=0)) == FRAMES


def test_damaged_video_packets_hold_the_frame_before(media):
    status, summary, stderr = _render(media, "broken.avi", str(media / "broken"), "--preview")
    assert status == 0, stderr
    assert len(summary["plates"]) == FRAMES
    warning = next(w for w in summary["warnings"] if "damaged video packet" in w)
    assert "0.12 s" in warning and "frames 3 repeat" in warning
    with av.open(summary["preview"]) as movie:
        assert sum(1 for _ in movie.decode(video=0)) == FRAMES
    assert _audio_seconds(summary["preview"]) > 0.3


def test_24_bit_pcm_in_mxf_is_transcoded_to_aac(media):
    status, summary, stderr = _render(media, "dnx.mxf", str(media / "dnx"), "--preview")
    assert status == 0, stderr
    assert summary["warnings"] == [] and len(summary["plates"]) == FRAMES
    with av.open(summary["preview"]) as movie:
        assert movie.streams.audio[0].codec_context.name == "aac"
    assert _audio_seconds(summary["preview"]) == pytest.approx(FRAMES / 24, abs=0.05)
