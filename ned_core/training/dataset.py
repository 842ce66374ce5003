"""Labelled expression-sequence datasets (``NedExprDataset.1``): clips of per-frame expression vectors and labels."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ned_core.exceptions import DatasetFormatError, ExpressionSpaceMismatchError
from ned_core.io.atomic import atomic_path
from ned_core.manipulation.space import ExpressionSpace

DATASET_SCHEMA = "NedExprDataset.1"
UNLABELLED = -1


@dataclass(frozen=True, eq=False)  # holds arrays: compare fields explicitly
class ExpressionDataset:
    """Clips of expression vectors with an emotion label per frame, all clips concatenated.

    Attributes:
        space: channel and emotion names; labels index ``space.emotions``.
        expression: ``(F, K) float32`` every clip's frames, clip after clip.
        labels: ``(F,) int8`` emotion index per frame, ``UNLABELLED`` (-1) where unknown.
        valid: ``(F,) bool`` the frame had a face (rows without one hold zeros and are never read).
        clip_starts: ``(C + 1,) int64`` row where each clip starts, then ``F``.
        clip_actors: actor of each clip (C names; ``""`` when unknown).
        clip_sources: where each clip came from (video path, or a synthetic description).
        info: how the dataset was made (layout, tier, intensity level, ...), JSON-serialisable.
    """

    space: ExpressionSpace
    expression: np.ndarray
    labels: np.ndarray
    valid: np.ndarray
    clip_starts: np.ndarray
    clip_actors: tuple[str, ...]
    clip_sources: tuple[str, ...]
    info: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        frames, clips = len(self.expression), len(self.clip_actors)
        problems = [
            (self.expression.shape != (frames, self.space.dim) or self.expression.dtype != np.float32,
             f"expression: expected (F, {self.space.dim}) float32, "
             f"got {self.expression.shape} {self.expression.dtype}"),
            (self.labels.shape != (frames,) or self.labels.dtype != np.int8, f"labels: expected ({frames},) int8"),
            (self.valid.shape != (frames,) or self.valid.dtype != np.bool_, f"valid: expected ({frames},) bool"),
            (self.clip_starts.shape != (clips + 1,) or len(self.clip_sources) != clips,
             f"clip_starts/clip_sources: expected {clips + 1} starts and {clips} sources"),
            (clips and (self.clip_starts[0] != 0 or self.clip_starts[-1] != frames
                        or np.any(np.diff(self.clip_starts) < 1)), "clip_starts: not increasing from 0 to F"),
            (np.any((self.labels < UNLABELLED) | (self.labels >= len(self.space.emotions))),
             f"labels: values outside -1..{len(self.space.emotions) - 1}"),
            (not np.all(np.isfinite(self.expression[self.valid])), "expression: NaN or infinity in a valid frame"),
        ]
        for bad, message in problems:
            if bad:
                raise DatasetFormatError(f"ExpressionDataset: {message}")

    @property
    def num_clips(self) -> int:
        """C, the number of clips."""
        return len(self.clip_actors)

    def clip_rows(self, clip: int) -> slice:
        """Rows of clip ``clip``."""
        return slice(int(self.clip_starts[clip]), int(self.clip_starts[clip + 1]))

    def subset(self, clips: np.ndarray) -> ExpressionDataset:
        """The dataset of the clips with indices ``clips`` (in that order)."""
        rows = [np.arange(self.clip_starts[c], self.clip_starts[c + 1]) for c in clips]
        take = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        lengths = [len(r) for r in rows]
        return ExpressionDataset(
            self.space, self.expression[take], self.labels[take], self.valid[take],
            np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
            tuple(self.clip_actors[c] for c in clips), tuple(self.clip_sources[c] for c in clips), dict(self.info),
        )

    def label_counts(self) -> dict[str, int]:
        """Labelled frames with a face per emotion."""
        counts = np.bincount(self.labels[self.valid & (self.labels >= 0)], minlength=len(self.space.emotions))
        return {e: int(n) for e, n in zip(self.space.emotions, counts)}


def concat_clips(space: ExpressionSpace, clips: list[tuple[np.ndarray, np.ndarray, np.ndarray, str, str]],
                 info: dict) -> ExpressionDataset:
    """A dataset from clips ``(expression (T, K), labels (T,), valid (T,), actor, source)``."""
    if not clips:
        raise DatasetFormatError("a dataset needs at least one clip")
    lengths = [len(c[0]) for c in clips]
    return ExpressionDataset(
        space,
        np.concatenate([np.asarray(c[0], np.float32) for c in clips]),
        np.concatenate([np.asarray(c[1], np.int8) for c in clips]),
        np.concatenate([np.asarray(c[2], bool) for c in clips]),
        np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        tuple(c[3] for c in clips), tuple(c[4] for c in clips), info,
    )


def save_dataset(dataset: ExpressionDataset, path: Path | str) -> Path:
    """Write ``dataset`` to ``path`` (``.npz``, atomically). Returns the path."""
    header = {"schema": DATASET_SCHEMA, "space": dataset.space.as_dict(), "actors": list(dataset.clip_actors),
              "sources": list(dataset.clip_sources), "info": dataset.info}
    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.savez_compressed(f, header=np.array(json.dumps(header)), expression=dataset.expression,
                            labels=dataset.labels, valid=dataset.valid, clip_starts=dataset.clip_starts)
    return path


def load_dataset(path: Path | str) -> ExpressionDataset:
    """Read a dataset written by :func:`save_dataset`.

    Raises:
        DatasetFormatError: missing, unreadable, of another schema, or inconsistent.
    """
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(str(data["header"]))
            arrays = {k: data[k] for k in ("expression", "labels", "valid", "clip_starts")}
    except FileNotFoundError as e:
        raise DatasetFormatError(f"{path}: dataset file not found (build one with `ned dataset build`)") from e
    except (OSError, ValueError, KeyError) as e:
        raise DatasetFormatError(f"{path}: not a readable {DATASET_SCHEMA} dataset ({e})") from e
    if header.get("schema") != DATASET_SCHEMA:
        raise DatasetFormatError(f"{path}: schema {header.get('schema')!r}, expected {DATASET_SCHEMA}")
    try:
        return ExpressionDataset(ExpressionSpace.from_dict(header["space"]), arrays["expression"], arrays["labels"],
                                 arrays["valid"], arrays["clip_starts"], tuple(header["actors"]),
                                 tuple(header["sources"]), header.get("info", {}))
    except DatasetFormatError as e:
        raise DatasetFormatError(f"{path}: {e}") from e


def split_dataset(dataset: ExpressionDataset, val_actors: tuple[str, ...], val_fraction: float,
                  seed: int) -> tuple[ExpressionDataset, ExpressionDataset | None]:
    """Hold out whole clips for validation: those of ``val_actors`` if given, else a seeded ``val_fraction``.

    Returns:
        (training part, validation part or ``None`` when nothing is held out).

    Raises:
        DatasetFormatError: a named validation actor has no clip, or every clip would be held out.
    """
    actors = np.array(dataset.clip_actors)
    if val_actors:
        missing = sorted(set(val_actors) - set(dataset.clip_actors))
        if missing:
            raise DatasetFormatError(f"validation actor(s) {', '.join(missing)} have no clip in the dataset; "
                                     f"actors: {', '.join(sorted(set(dataset.clip_actors)))}")
        held = np.isin(actors, val_actors)
    else:
        count = int(round(val_fraction * dataset.num_clips))
        held = np.zeros(dataset.num_clips, bool)
        held[np.random.default_rng([seed, 0x7A1]).permutation(dataset.num_clips)[:count]] = True
    if held.all():
        raise DatasetFormatError("validation would take every clip; leave some for training")
    train = dataset.subset(np.flatnonzero(~held))
    return train, (dataset.subset(np.flatnonzero(held)) if held.any() else None)


def check_dataset_space(space: ExpressionSpace, dataset: ExpressionDataset, where: str) -> None:
    """Raise ``ExpressionSpaceMismatchError`` unless ``dataset`` has ``space``'s channels and emotions (same order)."""
    if space.channel_names != dataset.space.channel_names or space.emotions != dataset.space.emotions:
        raise ExpressionSpaceMismatchError(
            f"{where}: the manipulator works on {space.name!r} ({space.dim} channels, emotions "
            f"{', '.join(space.emotions)}) but the dataset is {dataset.space.name!r} ({dataset.space.dim} "
            f"channels, emotions {', '.join(dataset.space.emotions)})"
        )
