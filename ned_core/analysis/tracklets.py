"""One face, one track per shot: join the tracklets of a face, fold duplicates, bridge short gaps.

Frame-to-frame linking (``track.track_faces``) breaks a face's track where the mesh loses it for a
while (a hand in front, the frame edge, a blur, another head) or where it was found twice. Inside
a shot, a later tracklet continues an earlier one (or fills a hole in it) when it starts where the earlier one, moving on
at its last speed, was heading, at a similar size (and, when another face was about during the
gap, with similar face proportions; a tracklet found on a part of the face as it came back from behind a hand, and
the face's own tracklet that folds into it, continue the earlier one together); tracklets that
run at the same time on the same face (boxes overlapping in every common frame) are one face found
twice and are folded into one (where both have a frame, the observation at the face's size on the frames about it,
not a part of the face the mesh was surer of); in single frames where two tracks still sit on one face (a hidden
face's crop sliding onto the face in front) the less sure observation is dropped, or of two sizes the smaller.
Observations off the face (a part of it at another size, the far side of a profile read as the near side) are dropped
from tracklets and from joined tracks alike (:func:`without_parts`): a gap like a missed face.
Gaps of at most ``AnalysisConfig.bridge_frames`` frames inside a track (``turned_bridge_frames`` where the face reads
turned to the same side at both ends: a head turned to profile and back) are filled with landmarks interpolated
between the frames either side and flagged as such (``FaceTrack.interpolated``); flat frames (black, flash) are never
filled.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ned_core.analysis.config import AnalysisConfig
from ned_core.analysis.mesh import turned_side
from ned_core.analysis.signature import face_shape, shape_distance
from ned_core.analysis.ssd import iou
from ned_core.analysis.types import FaceTrack

VELOCITY_FRAMES = 5  # frames at a tracklet's end its speed is read from
DUPLICATE_IOU = 0.5  # boxes overlapping this much (or centred in each other) are on one face
DUPLICATE_SHARE = 0.8  # tracklets on one face in this share of their common frames are one face found twice
JOIN_GROWTH = 0.05  # the allowed position error grows by this many face sizes per frame of gap
JOIN_SIZE_RATIO = 1.6  # the later tracklet's face size within this factor of the earlier one's
SHAPE_AFTER_GAP = 2  # frames of gap from which the proportions must agree too
# largest distance of the tracklets' median face proportions (signature.shape_distance) to join: measured
# on the crossing clips, one person 0.015-0.025 (its crop half hidden at the ends), two people 0.058-0.071
JOIN_SHAPE = 0.04
SHAPE_FRAMES = 24  # the median proportions are read over at most this many frames at the facing ends
FLIP_ROWS = 3  # a run of at most this many observations read turned the other way than either side is the far side


def _centre_size(boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (boxes[:, :2] + boxes[:, 2:]) / 2.0, np.maximum(boxes[:, 2:] - boxes[:, :2], 1.0).max(axis=1)


def _shape(track: FaceTrack, rows: slice) -> np.ndarray:
    return np.median(np.stack([face_shape(lm) for lm in track.landmarks[rows]]), axis=0)


def _join_cost(early: FaceTrack, late: FaceTrack, crowded: bool, config: AnalysisConfig) -> float | None:
    """Position error (face sizes) of ``late``'s start against ``early``'s extrapolated end; None: not the same face.

    ``crowded``: another face was seen in the shot during the gap, so the face proportions must agree too.
    """
    gap = int(late.frames[0] - early.frames[-1])
    centres, sizes = _centre_size(early.boxes[-VELOCITY_FRAMES:])
    frames = early.frames[-VELOCITY_FRAMES:]
    velocity = (centres[-1] - centres[0]) / max(int(frames[-1] - frames[0]), 1)
    start, start_size = _centre_size(late.boxes[:1])
    ratio = float(start_size[0] / sizes[-1])
    if not 1.0 / JOIN_SIZE_RATIO <= ratio <= JOIN_SIZE_RATIO:
        return None
    error = float(np.linalg.norm(start[0] - (centres[-1] + velocity * gap))) / float(sizes[-1])
    if error > config.join_distance + JOIN_GROWTH * gap:
        return None
    # with another face about, proportions tell the two apart after a longer absence (a face cut by the
    # frame edge or half hidden distorts them, so a face lost for a frame or two is joined on its motion
    # alone; medians over many frames, since the frames next to the gap are often the distorted ones)
    if crowded and gap > SHAPE_AFTER_GAP and shape_distance(_shape(early, slice(-SHAPE_FRAMES, None)),
                                                _shape(late, slice(0, SHAPE_FRAMES))) > JOIN_SHAPE:
        return None
    return error


def _same_place(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two boxes are on one face: overlapping by DUPLICATE_IOU, or one's centre inside the other."""
    if float(iou(a, b[None])[0]) >= DUPLICATE_IOU:
        return True
    ca, cb = (a[:2] + a[2:]) / 2, (b[:2] + b[2:]) / 2
    return bool(np.all(ca >= b[:2]) and np.all(ca <= b[2:])) or bool(np.all(cb >= a[:2]) and np.all(cb <= a[2:]))


def _duplicates(a: FaceTrack, b: FaceTrack) -> bool:
    """Whether two tracklets are one face found twice: on the same place in most of their common frames."""
    common, ia, ib = np.intersect1d(a.frames, b.frames, return_indices=True)
    if len(common) == 0:
        return False
    same = [_same_place(a.boxes[i], b.boxes[j]) for i, j in zip(ia, ib)]
    return float(np.mean(same)) >= DUPLICATE_SHARE


def drop_overlaps(tracks: Sequence[FaceTrack], spare_bridged: bool = False) -> list[FaceTrack]:
    """Per frame, where two tracks sit on one face, keep the observation of the one that is the face (:func:`_weaker`).

    (A face hidden behind another lets its crop slide onto the front face for a few frames; a hand or a part of the
    picture found as a small face passes over it.) A track left with no frame is dropped.

    Args:
        spare_bridged: a bridged (interpolated) frame on another track's face is kept when the two tracks' face
            proportions differ (:func:`_other_faces`): a face held behind another face passing in front
            (``hold``), not the same face found twice.
    """
    drop: dict[int, set[int]] = {k: set() for k in range(len(tracks))}
    for a in range(len(tracks)):
        for b in range(a + 1, len(tracks)):
            ta, tb = tracks[a], tracks[b]
            if ta.shot != tb.shot:
                continue
            _, ia, ib = np.intersect1d(ta.frames, tb.frames, return_indices=True)
            others: bool | None = None
            for i, j in zip(ia, ib):
                if spare_bridged and (ta.interpolated[i] or tb.interpolated[j]):
                    others = _other_faces(ta, tb) if others is None else others
                    if others:
                        continue
                if _same_place(ta.boxes[i], tb.boxes[j]):
                    weaker = (a, i) if _weaker(ta, i, tb, j) else (b, j)
                    drop[weaker[0]].add(int(weaker[1]))
    out = []
    for k, t in enumerate(tracks):
        keep = np.setdiff1d(np.arange(len(t.frames)), sorted(drop[k]))
        if len(keep):
            out.append(t.take(keep))
    return out


def _weaker(a: FaceTrack, i: int, b: FaceTrack, j: int) -> bool:
    """Whether ``a``'s observation at row ``i`` gives way to ``b``'s at row ``j``, the two on one place.

    Two observed boxes whose sizes differ by more than ``JOIN_SIZE_RATIO``: the smaller gives way (a part of the face
    or of the picture on it, a hand, a face behind, which the mesh may be surer of than of the face). Otherwise the one
    the mesh is less sure of (face presence; bridged frames score 0), then the shorter track.
    """
    size_a, size_b = _size(a, i), _size(b, j)
    if not (a.interpolated[i] or b.interpolated[j]) and max(size_a, size_b) > JOIN_SIZE_RATIO * min(size_a, size_b):
        return size_a < size_b
    return bool((a.scores[i], len(a.frames)) < (b.scores[j], len(b.frames)))


def _other_faces(a: FaceTrack, b: FaceTrack) -> bool:
    """Whether two tracks are two people: their median face proportions over their observed frames differ by more
    than :data:`JOIN_SHAPE`."""
    seen_a, seen_b = a.take(~a.interpolated), b.take(~b.interpolated)
    if not len(seen_a.frames) or not len(seen_b.frames):
        return False
    return shape_distance(_shape(seen_a, slice(None)), _shape(seen_b, slice(None))) > JOIN_SHAPE


def _merge(a: FaceTrack, b: FaceTrack) -> FaceTrack:
    """Union of two tracklets of one face; where both have a frame, the observation that continues the face
    (:func:`_pick`)."""
    rows: dict[int, list[tuple[FaceTrack, int]]] = {}
    for t in (a, b):
        for i, f in enumerate(t.frames):
            rows.setdefault(int(f), []).append((t, i))
    order = sorted(rows)
    alone = [f for f in order if len(rows[f]) == 1]
    alone_sizes = np.array([_size(*rows[f][0]) for f in alone])
    pick = [rows[f][0] if len(rows[f]) == 1 else _pick(rows[f], _reference_size(np.array(alone, np.int64),
                                                                                 alone_sizes, f)) for f in order]
    return FaceTrack(a.track_id, a.shot, np.array(order, np.int64),
                     np.stack([t.landmarks[i] for t, i in pick]).astype(np.float32),
                     np.stack([t.boxes[i] for t, i in pick]).astype(np.float32),
                     np.array([t.scores[i] for t, i in pick], np.float32),
                     np.array([t.interpolated[i] for t, i in pick], bool))


def _size(track: FaceTrack, row: int) -> float:
    return float(_centre_size(track.boxes[row:row + 1])[1][0])


def _reference_size(frames: np.ndarray, sizes: np.ndarray, frame: int) -> float | None:
    """The face's size about ``frame``: the median of the sizes ``(K,)`` at the up to ``VELOCITY_FRAMES`` nearest
    ``frames`` ``(K,)`` on each side (frames with a single observation); None when there are none."""
    before = sizes[frames < frame][-VELOCITY_FRAMES:]
    after = sizes[frames > frame][:VELOCITY_FRAMES]
    near = np.concatenate([before, after])
    return float(np.median(near)) if len(near) else None


def _pick(candidates: list[tuple[FaceTrack, int]], reference: float | None) -> tuple[FaceTrack, int]:
    """Of two observations ``(tracklet, row)`` of one frame claiming one face, the one that is the face.

    Observations of one size (within ``JOIN_SIZE_RATIO``) are the face found twice: the one the mesh is surer of
    (face presence). Otherwise one is on a part of the face or of the picture on it (a chin, a cheek, a hand, a
    face behind), and the mesh's presence on a part can beat the face's (0.98 on a chin against 0.92 on the face, in a
    dissolve): the one whose size is nearest (in ratio) to the face's ``reference`` size on the frames about it
    (:func:`_reference_size`); with no such frame, the larger (a part lies inside the face it is on).
    """
    sizes = np.array([_size(t, i) for t, i in candidates])
    scores = np.array([t.scores[i] for t, i in candidates])
    if sizes.max() <= JOIN_SIZE_RATIO * sizes.min():
        return candidates[int(np.argmax(scores))]  # first of equal scores
    if reference is None:
        return candidates[int(np.argmax(sizes))]
    return candidates[int(np.argmin(np.abs(np.log(sizes / reference))))]


def without_parts(track: FaceTrack) -> FaceTrack:
    """``track`` without the observations that are not on its face, each frame dropped becoming a gap (bridged like a
    missed face):

    - a box whose size is off by more than ``JOIN_SIZE_RATIO`` from the face's size about it (:func:`_reference_size`
      over the track's other frames): the mesh slid onto a part of the face (a cheek of a head turning back from
      profile, 0.996 presence, on the 1080p face-filling profile clip); a face does not grow or shrink that much over
      a few frames;
    - a run of at most :data:`FLIP_ROWS` observations the mesh reads turned to one side (``mesh.turned_side``) between
      observations it reads turned to the other, none facing the camera between: the far side of a head in profile
      read as its near side (a head turning from one side to the other faces the camera on the way).

    Tracks of fewer than 3 frames are kept as they are (no face to compare with)."""
    if len(track.frames) < 3:
        return track
    rows = np.arange(len(track.frames))
    sizes = np.array([_size(track, r) for r in rows])
    keep = np.ones(len(track.frames), bool)
    for r, frame in enumerate(track.frames):
        reference = _reference_size(track.frames[rows != r], sizes[rows != r], int(frame))
        keep[r] = reference is None or 1.0 / JOIN_SIZE_RATIO <= sizes[r] / reference <= JOIN_SIZE_RATIO
    sides = np.array([turned_side(points) for points in track.landmarks])
    runs = np.split(rows, np.flatnonzero(np.diff(sides) != 0) + 1)
    for before, run, after in zip(runs, runs[1:], runs[2:]):
        if len(run) <= FLIP_ROWS and sides[run[0]] != 0 and sides[before[-1]] == sides[after[0]] == -sides[run[0]]:
            keep[run] = False
    return track if keep.all() else track.take(keep)


def _before(track: FaceTrack, frame: int) -> FaceTrack:
    """The part of ``track`` before ``frame`` (a later tracklet may fill a hole inside a track)."""
    return track.take(track.frames < frame)


def join_tracklets(tracklets: Sequence[FaceTrack], config: AnalysisConfig) -> list[FaceTrack]:
    """Tracklets of the same face in the same shot joined into one track (ids of the earliest part kept).

    Returns:
        Tracks in order of first frame.
    """
    chains: list[FaceTrack] = []
    for t in sorted(tracklets, key=lambda t: (t.shot, int(t.frames[0]), t.track_id)):
        same_shot = [k for k, c in enumerate(chains) if c.shot == t.shot]
        twin = next((k for k in same_shot if _duplicates(chains[k], t)), None)
        costs = []
        for k in same_shot:
            if k == twin or chains[k].frames[0] >= t.frames[0] or np.intersect1d(chains[k].frames, t.frames).size:
                continue
            if twin is not None and np.intersect1d(chains[k].frames, chains[twin].frames).size:
                continue
            early = _before(chains[k], int(t.frames[0]))
            crowded = any(((c.frames > early.frames[-1]) & (c.frames < t.frames[0])).any()
                          for j, c in enumerate(chains) if j not in (k, twin) and c.shot == t.shot)
            cost = _join_cost(early, t, crowded, config)
            if cost is not None:
                costs.append((cost, k))
        if twin is not None and not costs:
            chains[twin] = without_parts(_merge(chains[twin], t))
        elif costs:
            k = min(costs)[1]
            merged = _merge(chains[k], t)
            if twin is not None:  # a part of the face found first as it came back (beside a hand): the same face
                merged = _merge(merged, chains[twin])
            chains[k] = without_parts(merged)
            if twin is not None:
                del chains[twin]
        else:
            chains.append(t)
    return chains


def bridge_gaps(track: FaceTrack, flat_frames: frozenset[int], config: AnalysisConfig) -> FaceTrack:
    """``track`` with each gap of at most ``config.bridge_frames`` frames filled by linear interpolation, or of at
    most ``config.turned_bridge_frames`` where the mesh reads the face turned to the same side at both ends (a head
    turned towards profile and back: lost in between).

    Args:
        flat_frames: frame numbers with no content (black, flash): never filled.
    """
    add_frames, add_landmarks, add_boxes = [], [], []
    sides = [turned_side(points) for points in track.landmarks]
    for i in range(len(track.frames) - 1):
        f0, f1 = int(track.frames[i]), int(track.frames[i + 1])
        longest = config.turned_bridge_frames if sides[i] == sides[i + 1] != 0 else config.bridge_frames
        if not 1 < f1 - f0 <= longest + 1:
            continue
        for f in range(f0 + 1, f1):
            if f in flat_frames:
                continue
            w = (f - f0) / (f1 - f0)
            add_frames.append(f)
            add_landmarks.append((1 - w) * track.landmarks[i] + w * track.landmarks[i + 1])
            add_boxes.append((1 - w) * track.boxes[i] + w * track.boxes[i + 1])
    if not add_frames:
        return track
    n = len(add_frames)
    frames = np.concatenate([track.frames, np.array(add_frames, np.int64)])
    order = np.argsort(frames, kind="stable")
    return FaceTrack(
        track.track_id, track.shot, frames[order],
        np.concatenate([track.landmarks, np.stack(add_landmarks)]).astype(np.float32)[order],
        np.concatenate([track.boxes, np.stack(add_boxes)]).astype(np.float32)[order],
        np.concatenate([track.scores, np.zeros(n, np.float32)])[order],
        np.concatenate([track.interpolated, np.ones(n, bool)])[order],
    )
