"""`build_dataset` on real short videos: the astronaut's face tracked and fitted, labels from the layout."""

from pathlib import Path

import cv2
import numpy as np
import pytest
import skimage.data
from matplotlib import cbook

from ned_core.analysis import AnalysisConfig, FaceMeshModels
from ned_core.face3d.channels import CHANNEL_NAMES, EMOTIONS
from ned_core.pipeline.config import NedConfig
from ned_core.training.dataset import load_dataset, save_dataset
from ned_core.training.dataset_build import build_dataset
from ned_core.training.dataset_layouts import find_videos

FRAMES = 12


def write_video(path: Path, frames: list[np.ndarray]) -> Path:
    """An H.264 .mp4 of ``frames`` (H, W, 3) uint8, 25 fps, written with PyAV."""
    import av

    path.parent.mkdir(parents=True, exist_ok=True)
    height, width = frames[0].shape[:2]
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for image in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.fixture(scope="module")
def faces():
    astronaut = cv2.resize(np.ascontiguousarray(skimage.data.astronaut()), (256, 256), interpolation=cv2.INTER_AREA)
    with cbook.get_sample_data("grace_hopper.jpg") as f:
        grace = cv2.cvtColor(cv2.imdecode(np.frombuffer(f.read(), np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    grace = cv2.resize(grace[:512], (256, 256), interpolation=cv2.INTER_AREA)
    return astronaut, grace


@pytest.fixture(scope="module")
def setup():
    config = NedConfig(analysis=AnalysisConfig(num_threads=1), cache_dir=None)
    return config, FaceMeshModels.load(config=config.analysis)


def test_folder_layout_to_dataset_file(tmp_path, faces, setup):
    astronaut, grace = faces
    config, models = setup
    write_video(tmp_path / "clips" / "happy" / "astro.mp4", [astronaut] * FRAMES)
    write_video(tmp_path / "clips" / "sad" / "grace.mp4", [grace] * FRAMES)
    blank = np.full_like(astronaut, 90)
    write_video(tmp_path / "clips" / "angry" / "empty.mp4", [blank] * FRAMES)  # no face: skipped
    half = [astronaut] * 6 + [blank] * 3 + [astronaut] * 3  # the face leaves for 3 frames
    write_video(tmp_path / "clips" / "fear" / "gap.mp4", half)
    videos = find_videos("folder", tmp_path / "clips")
    done = []
    dataset = build_dataset(videos, config, {"layout": "folder"}, models=models,
                            progress=lambda n, total, video: done.append((n, total)))
    assert done == [(1, 4), (2, 4), (3, 4), (4, 4)]
    back = load_dataset(save_dataset(dataset, tmp_path / "faces.npz"))
    assert back.space.name == "embedded" and back.space.channel_names == CHANNEL_NAMES
    assert back.num_clips == 3 and back.info["skipped_no_face"] == [str(tmp_path / "clips" / "angry" / "empty.mp4")]
    by_label = {EMOTIONS[back.labels[back.clip_rows(c)][0]]: back.clip_rows(c) for c in range(back.num_clips)}
    assert set(by_label) == {"happy", "sad", "fear"}
    assert back.valid[by_label["happy"]].all() and len(back.expression[by_label["happy"]]) == FRAMES
    np.testing.assert_array_equal(back.valid[by_label["fear"]], [True] * 6 + [False] * 3 + [True] * 3)
    happy, sad = back.expression[by_label["happy"]], back.expression[by_label["sad"]]
    between_people = np.abs(happy.mean(0) - sad.mean(0)).mean()
    assert np.abs(np.diff(happy, axis=0)).mean() < 0.2 * between_people  # a still face: a steady fit
    smile = CHANNEL_NAMES.index("lip_corner_pull_L")
    assert happy[:, smile].mean() > sad[:, smile].mean()  # the astronaut smiles, Grace Hopper does not


def test_affwild2_sides_pick_the_left_and_right_person(tmp_path, faces, setup):
    astronaut, grace = faces
    config, models = setup
    write_video(tmp_path / "videos" / "pair.mp4", [np.concatenate([grace, astronaut], axis=1)] * FRAMES)
    write_video(tmp_path / "videos" / "astro.mp4", [astronaut] * FRAMES)
    notes = tmp_path / "notes"
    notes.mkdir()
    header = "Neutral,Anger,Disgust,Fear,Happiness,Sadness,Surprise,Other\n"
    (notes / "pair_left.txt").write_text(header + "0\n" * FRAMES)
    (notes / "pair_right.txt").write_text(header + "4\n" * 8 + "7\n" * 2)  # short file: last frames unlabelled
    (notes / "astro.txt").write_text(header + "4\n" * FRAMES)
    dataset = build_dataset(find_videos("affwild2", tmp_path / "videos", annotations=notes), config, {},
                            models=models)
    astro, left, right = (dataset.expression[dataset.clip_rows(c)].mean(0) for c in range(3))
    assert dataset.clip_actors == ("astro", "pair_left", "pair_right")
    np.testing.assert_array_equal(dataset.labels[dataset.clip_rows(2)], [EMOTIONS.index("happy")] * 8 + [-1] * 4)
    assert np.abs(right - astro).mean() < np.abs(left - astro).mean()  # the right person is the astronaut
