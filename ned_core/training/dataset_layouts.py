"""Find labelled videos in the layouts `ned dataset build` reads: folder per label, MEAD, Aff-Wild2.

* ``folder``: ``ROOT/<emotion>/[<actor>/]*.mp4`` (any movie extension); emotion folder names are
  the seven labels or their aliases (``surprise``, ``disgust``, ``anger``); ``contempt`` is dropped.
* ``mead``: ``ROOT/<actor>/video/front/<emotion>/level_<n>/<nnn>.mp4`` (MEAD's release layout).
  ``contempt`` is dropped; only the asked intensity levels are read, except for ``neutral``,
  which MEAD records at level 1 only and which is always read.
* ``affwild2``: a folder of videos and a folder of per-frame expression annotation files
  ``<video>.txt`` (or ``<video>_left.txt`` / ``<video>_right.txt`` for the two people of one
  video): a header line, then one integer per frame: 0 neutral, 1 anger, 2 disgust, 3 fear,
  4 happiness, 5 sadness, 6 surprise, 7 other, -1 not annotated (format facts from the ABAW
  challenge's release and manipulator/data/train_dataset.py of github.com/foivospar/NED, MIT).
  "Other" and -1 become unlabelled frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ned_core.direct.labels import canonical_emotion
from ned_core.exceptions import DatasetLayoutError, UnknownEmotionError
from ned_core.face3d.channels import EMOTIONS
from ned_core.io.movie import MOVIE_EXTENSIONS
from ned_core.training.dataset import UNLABELLED

LAYOUTS = ("folder", "mead", "affwild2")
DROPPED_LABELS = ("contempt",)
_AFFWILD2_CLASSES = ("neutral", "angry", "disgusted", "fear", "happy", "sad", "surprised")  # 7 = other


@dataclass(frozen=True)
class LabelledVideo:
    """One video to analyse and how it is labelled.

    Attributes:
        path: the movie. actor: who plays (``""`` when the layout does not say).
        label: the emotion of the whole clip, or ``None`` with a per-frame ``annotation`` file.
        annotation: Aff-Wild2 per-frame annotation file. side: ``"left"``/``"right"``: which of
        two faces the annotation is about (the leftmost / rightmost track); ``None`` = the main face.
    """

    path: Path
    actor: str
    label: str | None = None
    annotation: Path | None = None
    side: str | None = None


def _movies(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in MOVIE_EXTENSIONS)


def _label(name: str, where: Path) -> str | None:
    if name.lower() in DROPPED_LABELS:
        return None
    try:
        return canonical_emotion(name, str(where))
    except UnknownEmotionError as e:
        raise DatasetLayoutError(f"{e} (folders under the dataset root must be emotion names)") from e


def folder_layout(root: Path) -> list[LabelledVideo]:
    """Videos of a folder-per-label layout (see the module docstring)."""
    videos = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        label = _label(folder.name, folder)
        if label is None:
            continue
        for movie in _movies(folder):
            inner = movie.relative_to(folder).parts
            videos.append(LabelledVideo(movie, inner[0] if len(inner) > 1 else "", label))
    return videos


def mead_layout(root: Path, levels: tuple[int, ...] = (3,), actors: tuple[str, ...] = ()) -> list[LabelledVideo]:
    """Front-camera videos of MEAD (see the module docstring); ``actors`` limits to those ids."""
    videos = []
    for actor_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if actors and actor_dir.name not in actors:
            continue
        front = actor_dir / "video" / "front"
        if not front.is_dir():
            continue
        for emotion_dir in sorted(p for p in front.iterdir() if p.is_dir()):
            label = _label(emotion_dir.name, emotion_dir)
            if label is None:
                continue
            for level_dir in sorted(emotion_dir.glob("level_*")):
                level = level_dir.name.removeprefix("level_")
                if label == "neutral" or (level.isdigit() and int(level) in levels):
                    videos.extend(LabelledVideo(m, actor_dir.name, label) for m in _movies(level_dir))
    return videos


def read_affwild2_annotation(path: Path) -> np.ndarray:
    """``(F,) int8`` labels (``EMOTIONS`` indices, ``UNLABELLED`` for other / not annotated) of an annotation file.

    Raises:
        DatasetLayoutError: unreadable, no header, or a value outside -1..7 (names the line).
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise DatasetLayoutError(f"{path}: cannot read the annotation file ({e})") from e
    if not lines or not lines[0].lower().startswith("neutral"):
        raise DatasetLayoutError(f"{path}: expected a header line starting 'Neutral,Anger,...', got {lines[:1]}")
    table = np.full(9, UNLABELLED, np.int8)  # value + 1 -> our index
    for k, emotion in enumerate(_AFFWILD2_CLASSES):
        table[k + 1] = EMOTIONS.index(emotion)
    out = np.empty(len(lines) - 1, np.int8)
    for i, line in enumerate(lines[1:]):
        text = line.strip()
        if not text.lstrip("-").isdigit() or not -1 <= int(text) <= 7:
            raise DatasetLayoutError(f"{path}: line {i + 2}: expected an integer -1..7, got {text!r}")
        out[i] = table[int(text) + 1]
    return out


def affwild2_layout(videos: Path, annotations: Path) -> list[LabelledVideo]:
    """One entry per annotation file whose video exists (see the module docstring).

    Raises:
        DatasetLayoutError: an annotation file has no video.
    """
    by_stem = {m.stem: m for m in _movies(videos)}
    out = []
    for note in sorted(annotations.glob("*.txt")):
        stem, side = note.stem, None
        for suffix in ("_left", "_right"):
            if stem.endswith(suffix) and stem not in by_stem:
                stem, side = stem[: -len(suffix)], suffix[1:]
        if stem not in by_stem:
            raise DatasetLayoutError(f"{note}: no video named {stem}.* in {videos}")
        out.append(LabelledVideo(by_stem[stem], note.stem, None, note, side))
    return out


def find_videos(layout: str, root: Path, levels: tuple[int, ...] = (3,), actors: tuple[str, ...] = (),
                annotations: Path | None = None) -> list[LabelledVideo]:
    """The labelled videos of ``root`` in ``layout`` (``folder``, ``mead`` or ``affwild2``).

    Raises:
        DatasetLayoutError: unknown layout, missing folder, or no video found.
    """
    if layout not in LAYOUTS:
        raise DatasetLayoutError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    if not root.is_dir():
        raise DatasetLayoutError(f"{root}: dataset folder not found")
    if layout == "affwild2":
        if annotations is None or not annotations.is_dir():
            raise DatasetLayoutError(f"the affwild2 layout needs the folder of annotation files (got {annotations})")
        videos = affwild2_layout(root, annotations)
    elif layout == "mead":
        videos = mead_layout(root, levels, actors)
    else:
        videos = folder_layout(root)
    if not videos:
        raise DatasetLayoutError(f"{root}: no labelled videos found in the {layout} layout")
    return videos
