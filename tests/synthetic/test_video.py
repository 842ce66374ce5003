"""Writing synthetic clips: PNG sequences and H.264 MP4s that read back as written."""

from __future__ import annotations

import av
import cv2
import numpy as np
import pytest

from ned_core.exceptions import SyntheticActorError
from ned_core.synthetic import write_mp4, write_png_sequence


@pytest.fixture(scope="module")
def frames() -> np.ndarray:
    rng = np.random.default_rng(0)
    base = cv2.resize(rng.integers(0, 255, (8, 10, 3), dtype=np.uint8), (81, 64), interpolation=cv2.INTER_LINEAR)
    return np.stack([np.roll(base, 3 * i, axis=1) for i in range(6)])


def test_png_sequence_round_trips(frames, tmp_path):
    paths = write_png_sequence(frames, tmp_path / "seq", name="actor", first_frame=1001)
    assert [p.name for p in paths] == [f"actor.{n}.png" for n in range(1001, 1007)]
    for path, frame in zip(paths, frames):
        np.testing.assert_array_equal(cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB), frame)
    assert not list((tmp_path / "seq").glob(".*partial*"))  # no temporary files left


def test_mp4_round_trips(frames, tmp_path):
    path = write_mp4(frames, tmp_path / "clip.mp4", fps=25.0)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264" and float(stream.average_rate) == 25.0
        decoded = np.stack([f.to_ndarray(format="rgb24") for f in container.decode(stream)])
    assert decoded.shape == (6, 64, 82, 3)  # odd width padded to even
    assert np.abs(decoded[:, :, :81].astype(int) - frames.astype(int)).mean() < 6.0


def test_rejects_non_uint8_frames(tmp_path):
    with pytest.raises(SyntheticActorError, match="uint8"):
        write_mp4(np.zeros((2, 8, 8, 3), np.float32), tmp_path / "x.mp4", fps=24)
    assert not (tmp_path / "x.mp4").exists()
