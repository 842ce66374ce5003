"""Score face tracks against a test clip's truth: per shot and actor, how much one track covers, duplicates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ned_core.analysis.shot import ShotAnalysis
from ned_core.analysis.ssd import iou
from ned_core.synthetic.footage import Footage

MATCH_IOU = 0.3  # a track's box in a frame belongs to the true face it overlaps at least this much


@dataclass(frozen=True)
class FaceCoverage:
    """One actor in one true shot.

    Attributes:
        shot: true shot index. actor: photo name.
        visible: frames of the shot where the face is visible (``FaceTruth.visible``).
        covered: of those, frames the best single track has on this face.
        best_track: that track's id (-1 when none touches the face).
        tracks: ids of every track on this face in the shot.
        duplicates: frames where two or more tracks are on this face at once.
    """

    shot: int
    actor: str
    visible: int
    covered: int
    best_track: int
    tracks: tuple[int, ...]
    duplicates: int

    @property
    def coverage(self) -> float:
        return self.covered / self.visible if self.visible else 1.0


def score_tracks(footage: Footage, analysis: ShotAnalysis) -> list[FaceCoverage]:
    """Coverage of every (true shot, actor) with a visible face; the analysis ran on frame numbers 0..T-1.

    A face is keyed by the shot it belongs to (``FaceTruth.shot``), so in a dissolve the outgoing and the
    incoming actor are two faces even when they are the same photo.
    """
    on_face: dict[tuple[int, str], dict[int, set[int]]] = {}  # (shot, actor) -> track id -> frame indices
    for t in analysis.tracks:
        for frame, box in zip(t.track.frames, t.track.boxes):
            truths = footage.faces[int(frame)]
            if not truths:
                continue
            overlap = iou(box, np.stack([f.box for f in truths]))
            best = int(np.argmax(overlap))
            if overlap[best] >= MATCH_IOU:
                key = (truths[best].shot, truths[best].actor)
                on_face.setdefault(key, {}).setdefault(t.track.track_id, set()).add(int(frame))
    visible: dict[tuple[int, str], set[int]] = {}
    for i, truths in enumerate(footage.faces):
        for f in truths:
            if f.visible:
                visible.setdefault((f.shot, f.actor), set()).add(i)
    out = []
    for (shot, actor), frames_seen in sorted(visible.items()):
        tracks = on_face.get((shot, actor), {})
        covered = {tid: len(frames & frames_seen) for tid, frames in tracks.items()}
        best = max(covered, key=covered.get, default=-1)
        counts = np.zeros(len(footage.shot), int)
        for frames in tracks.values():
            counts[list(frames)] += 1
        out.append(FaceCoverage(shot, actor, len(frames_seen), covered.get(best, 0), best, tuple(sorted(tracks)),
                                int((counts > 1).sum())))
    return out
