"""Face tracks through a clip: match faces frame to frame, split at cuts, re-attach returning actors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import linear_sum_assignment

from ned_core.analysis.config import AnalysisConfig
from ned_core.analysis.mesh import turned_side
from ned_core.analysis.signature import face_shape, signature_distance
from ned_core.analysis.ssd import iou
from ned_core.analysis.tracklets import (
    DUPLICATE_IOU, JOIN_SIZE_RATIO, VELOCITY_FRAMES, bridge_gaps, drop_overlaps, join_tracklets, without_parts,
)
from ned_core.analysis.types import FaceObservation, FaceTrack, FrameFaces
from ned_core.exceptions import NoFaceTrackError

SIGNATURE_MEMORY = 0.2  # weight of each new observation in a track's running signature
POSITION_WEIGHT = 0.1  # cost per face-size of distance between a returning face and where it left
HELD_IOU = 0.3  # a bridged box and a held observation of the same frame this close: the face was held there
SURE_IOU = 0.5  # a face overlapping a track's last box this much continues it whatever its signature says
_BLOCKED = 1e6


@dataclass
class _Builder:
    track_id: int
    shot: int
    shape: np.ndarray
    colour: np.ndarray
    last_index: int = -1
    rows: list[tuple[int, FaceObservation]] = field(default_factory=list)

    def add(self, index: int, frame: int, face: FaceObservation, shape: np.ndarray, colour: np.ndarray) -> None:
        if self.rows and not face.held:
            self.shape = (1 - SIGNATURE_MEMORY) * self.shape + SIGNATURE_MEMORY * shape
            self.colour = (1 - SIGNATURE_MEMORY) * self.colour + SIGNATURE_MEMORY * colour
        self.rows.append((frame, face))
        self.last_index = index

    def build(self, track_id: int) -> FaceTrack | None:
        """The tracklet of the observed rows (held ones only kept it going), or None if it has none."""
        rows = [(f, o) for f, o in self.rows if not o.held]
        if not rows:
            return None
        return FaceTrack(
            track_id=track_id,
            shot=self.shot,
            frames=np.array([f for f, _ in rows], dtype=np.int64),
            landmarks=np.stack([o.landmarks for _, o in rows]).astype(np.float32),
            boxes=np.stack([o.box for _, o in rows]).astype(np.float32),
            scores=np.array([o.score for _, o in rows], dtype=np.float32),
        )


def _centre_size(box: np.ndarray) -> tuple[np.ndarray, float]:
    return (box[:2] + box[2:]) / 2.0, float(max(box[2] - box[0], box[3] - box[1], 1.0))


def _assign(cost: np.ndarray, limit: float) -> list[tuple[int, int]]:
    """Minimum-cost pairs (row, col) with cost below ``limit``."""
    if cost.size == 0:
        return []
    rows, cols = linear_sum_assignment(cost)
    return [(int(r), int(c)) for r, c in zip(rows, cols) if cost[r, c] < limit]


def track_faces(per_frame: Sequence[FrameFaces], config: AnalysisConfig) -> list[FaceTrack]:
    """Link per-frame faces into tracks with stable ids.

    Per frame, faces continue the tracks seen in the previous frame by box overlap (IoU at least
    ``config.track_iou``) when their signature (face shape + colour) agrees or the overlap is at
    least ``SURE_IOU`` (an edge crop, a hand or a blur changes the signature, not the place); faces left over are
    matched to any other track of the same shot lost for at most ``config.max_gap`` frames, by
    signature plus distance from where the track was last seen (re-attachment: the same actor
    coming back gets the same id, also after a black frame); the rest start new tracks. A shot cut
    ends every track. Inside a dissolve (``FrameFaces.in_dissolve``, the mix of two shots) both shots' faces are
    on screen: the outgoing shot's tracks may go on to the dissolve's end (past the frame the new shot starts at) and a
    face first seen in it starts a track of the incoming shot (also before that frame); there only the incoming
    shot's tracks re-attach. An outgoing track still followed on the mix's last frame went over to the incoming
    picture (the outgoing one has faded out): it is split at the new shot's start (``_off_the_mix_end``). A face first
    seen in the mix and lost before its last frame faded out with the outgoing picture (an incoming face only gains
    opacity): its tracklet is given back to the outgoing shot (``_faded_out``), where it may continue that shot's
    track of the face (a background face coming out from behind another in the mix).

    Args:
        per_frame: every frame of the clip in order (frames without faces included), with their
            shots set (``shot.analyze_frames``).
        config: tracking thresholds.

    A held face (``FaceObservation.held``: hidden behind another face, ``hold``) continues its track like an
    observation, so the face in front cannot take that track over, but is left out of the tracklet.

    The tracklets this gives are then cleared of observations off the face (``tracklets.without_parts``), joined per
    face and shot, duplicates folded and short gaps bridged (``tracklets.join_tracklets``, ``tracklets.bridge_gaps``); a track lying wholly within a
    dissolve (a face fading in or out) is dropped. In a dissolve's mix a face is kept while its picture is at least
    half opaque (the found mix's ramp: the outgoing one before the new shot's start, the incoming one from it): a
    mix frame where the track jumps off its face (onto a part of a face of the other picture) is lost there
    (``_without_jumps``), an outgoing face the detector lost early and an incoming one it found late are carried there
    (``_carried``), and where an outgoing and an incoming track sit on one place the frame goes to the more opaque one
    (``_more_opaque``).

    Returns:
        Tracks with at least ``config.min_track_frames`` frames, ids 0, 1, ... in order of first
        appearance.
    """
    builders: list[_Builder] = []
    for index, (ff, (outgoing, shot)) in enumerate(zip(per_frame, _owners(per_frame))):
        shapes = [face_shape(f.landmarks) for f in ff.faces]
        free_faces = set(range(len(ff.faces)))
        candidates = [b for b in builders
                      if outgoing <= b.shot <= shot and index - b.last_index <= config.max_gap + 1]
        continuing = [b for b in candidates if b.last_index == index - 1]

        def signature(b: _Builder, j: int) -> float:
            return signature_distance(b.shape, b.colour, shapes[j], ff.appearance[j])

        overlap = np.full((len(continuing), len(ff.faces)), _BLOCKED)
        for i, b in enumerate(continuing):
            last_box = b.rows[-1][1].box
            for j, face in enumerate(ff.faces):
                o = float(iou(last_box, face.box[None])[0])
                if o >= config.track_iou and (o >= SURE_IOU or signature(b, j) <= config.reattach_distance):
                    overlap[i, j] = 1.0 - o
        matched: set[int] = set()
        for i, j in _assign(overlap, _BLOCKED):
            continuing[i].add(index, ff.frame, ff.faces[j], shapes[j], ff.appearance[j])
            matched.add(id(continuing[i]))
            free_faces.discard(j)

        waiting = [b for b in candidates if id(b) not in matched and b.shot == shot]
        faces = sorted(free_faces)
        cost = np.full((len(waiting), len(faces)), _BLOCKED)
        for i, b in enumerate(waiting):
            last_centre, last_size = _centre_size(b.rows[-1][1].box)
            for k, j in enumerate(faces):
                d = signature(b, j)
                if d <= config.reattach_distance:
                    centre, _ = _centre_size(ff.faces[j].box)
                    cost[i, k] = d + POSITION_WEIGHT * min(float(np.linalg.norm(centre - last_centre)) / last_size, 5.0)
        for i, k in _assign(cost, _BLOCKED):
            j = faces[k]
            waiting[i].add(index, ff.frame, ff.faces[j], shapes[j], ff.appearance[j])
            free_faces.discard(j)

        for j in sorted(free_faces):
            b = _Builder(len(builders), int(shot), shapes[j], ff.appearance[j])
            b.add(index, ff.frame, ff.faces[j], shapes[j], ff.appearance[j])
            builders.append(b)

    mixes = _mixes(per_frame)
    tracklets = _faded_out(_off_the_mix_end([t for t in (b.build(k) for k, b in enumerate(builders)) if t is not None],
                                            mixes), mixes)
    flat = frozenset(f.frame for f in per_frame if f.flat)
    ghosts = _dissolve_frames(per_frame)  # a face fading in or out over a dissolve is not a track of its own

    def real(t: FaceTrack) -> bool:
        return not set(t.frames.tolist()) <= ghosts

    # ghosts go before they can take frames from the tracks they overlap (carrying and bridging keep a track in them)
    joined = _more_opaque(drop_overlaps([_carried(_without_jumps(t, mixes), mixes, flat, config)
                                         for t in join_tracklets([without_parts(t) for t in tracklets], config) if real(t)]), mixes)
    # observed beats interpolated, unless the bridged face is another person's held behind it
    bridged = drop_overlaps([bridge_gaps(t, flat, config) for t in joined], spare_bridged=True)
    kept = [t for t in bridged if len(t.frames) >= config.min_track_frames and real(t)]
    by_frame = {int(f.frame): f for f in per_frame}
    return [replace(t, track_id=new_id, held=_held_rows(t, by_frame), mix_share=_mix_share(t, mixes))
            for new_id, t in enumerate(kept)]


def _mix_share(track: FaceTrack, mixes: list[_Mix]) -> np.ndarray:
    """``(T,) float32`` the share of the mixed picture ``track``'s shot holds at each of its frames (``FaceTrack.
    mix_share``): 1 outside the dissolves' mixes; inside one, linear from the mix's first frame (the outgoing picture
    alone) to its last (the incoming one alone)."""
    share = np.ones(len(track.frames), np.float32)
    for m in mixes:
        if track.shot not in (m.outgoing, m.incoming):
            continue
        inside = (track.frames >= m.first) & (track.frames <= m.last)
        incoming = (track.frames[inside] - m.first) / max(m.last - m.first, 1)
        share[inside] = incoming if track.shot == m.incoming else 1.0 - incoming
    return share


def _held_rows(track: FaceTrack, rows: dict[int, FrameFaces]) -> np.ndarray:
    """``(T,) bool`` the track's bridged frames on which its face was held behind another face passing in front:
    each run of consecutive bridged frames (one gap) in which a held observation of the face (on the bridged box)
    had another face found in front of it (``FaceObservation.in_front``), in any of the run's frames. A face held for
    another reason (a glass or a cup bending its mesh out of shape) has none: its gap is not marked, nor is a gap the
    head turned away in (the observed frames either side read turned to one side, ``mesh.turned_side``): a head turning
    to profile is held as its mesh changes shape, and a detection on the profile, its eyes elsewhere, reads as a face
    in front; its bridged landmarks (interpolated past what the mesh follows) are no pose to paint an edit with (a
    mouth drawn on the cheek of the 720p dev profile clip). ``rows``: the shot's frames by frame number."""

    def behind(r: int) -> bool:
        frame = rows.get(int(track.frames[r]))
        boxes = [o.box for o in frame.faces if o.held and o.in_front] if frame is not None else []
        return bool(boxes) and float(iou(track.boxes[r], np.stack(boxes)).max()) >= HELD_IOU

    def turned_away(run: np.ndarray) -> bool:
        before, after = int(run[0]) - 1, int(run[-1]) + 1
        if before < 0 or after >= len(track.frames):
            return False
        side = turned_side(track.landmarks[before])
        return side != 0 and turned_side(track.landmarks[after]) == side

    held = np.zeros(len(track.frames), bool)
    bridged = np.flatnonzero(track.interpolated)
    for run in np.split(bridged, np.flatnonzero(np.diff(track.frames[bridged]) != 1) + 1):
        if len(run) and not turned_away(run) and any(behind(int(r)) for r in run):
            held[run] = True
    return held


def _mix_runs(per_frame: Sequence[FrameFaces]) -> list[tuple[int, int]]:
    """``(first row, last row)`` of each run of ``in_dissolve`` frames (the mix of a found dissolve)."""
    runs: list[tuple[int, int]] = []
    for row, f in enumerate(per_frame):
        if f.in_dissolve:
            if runs and runs[-1][1] == row - 1:
                runs[-1] = (runs[-1][0], row)
            else:
                runs.append((row, row))
    return runs


@dataclass(frozen=True)
class _Mix:
    """A found dissolve's mix, by frame number: its first and last mixed frame, the first frame of the incoming shot
    (where its opacity reaches half), and the outgoing and incoming shots."""

    first: int
    start: int
    last: int
    outgoing: int
    incoming: int


def _mixes(per_frame: Sequence[FrameFaces]) -> list[_Mix]:
    """The mixes of ``per_frame``'s dissolves (runs of ``in_dissolve`` frames that change shot)."""
    out = []
    for a, b in _mix_runs(per_frame):
        if per_frame[a].shot < per_frame[b].shot:
            start = next(f for f in per_frame[a: b + 1] if f.shot == per_frame[b].shot)
            out.append(_Mix(int(per_frame[a].frame), int(start.frame), int(per_frame[b].frame), int(per_frame[a].shot),
                            int(per_frame[b].shot)))
    return out


def _owners(per_frame: Sequence[FrameFaces]) -> list[tuple[int, int]]:
    """Per frame, the shots whose tracks it may continue, ``(first, last)``, the last also starting its new tracks: the
    frame's own shot, or for a frame in a dissolve's mix the shots it mixes, the shot of the mix's first frame
    (outgoing) to that of its last (incoming)."""
    out = [(int(f.shot), int(f.shot)) for f in per_frame]
    for a, b in _mix_runs(per_frame):
        out[a: b + 1] = [(int(per_frame[a].shot), int(per_frame[b].shot))] * (b + 1 - a)
    return out


def _off_the_mix_end(tracklets: list[FaceTrack], mixes: list[_Mix]) -> list[FaceTrack]:
    """``tracklets`` with each outgoing-shot tracklet still followed on a dissolve's last mixed frame split at the new
    shot's start: the outgoing picture has faded out there, so its mesh went over to a face of the incoming picture
    (the same actor at about the same place); the part from the shot start is a tracklet of the incoming shot (ids
    after every other)."""
    ending = {m.outgoing: m for m in mixes}
    out, next_id = [], max((t.track_id for t in tracklets), default=-1) + 1
    for t in tracklets:
        mix = ending.get(t.shot)
        if mix is None or int(t.frames[-1]) < mix.last:
            out.append(t)
            continue
        before = t.frames < mix.start
        if before.any():
            out.append(t.take(before))
        out.append(replace(t.take(~before), track_id=next_id, shot=mix.incoming))
        next_id += 1
    return out


def _without_jumps(track: FaceTrack, mixes: list[_Mix]) -> FaceTrack:
    """``track`` without its frames inside a dissolve's mix where its box jumps off the face: its size is off by more
    than ``tracklets.JOIN_SIZE_RATIO`` from the last frame kept before (a face does not grow or shrink that much in a
    frame or a short gap; where it is is left alone: a face may move fast, and the test montages swap places). Both
    pictures' faces are on screen there and the detector finds parts of them: a part of an incoming face lying in a
    fading outgoing one is taken for the same face (``tracklets.join_tracklets`` folds it in as a duplicate, on its
    higher score), and the track shrank onto a small box and moved with it. Read from the side of the mix the track's
    shot is whole on (the outgoing shot's frames forward, the incoming one's back), the frames dropped are gaps the
    track is bridged or carried over (``_carried``) like a face the detector missed. The track's first frame (the
    outgoing shot's) or last (the incoming one's) is always kept."""
    keep = np.ones(len(track.frames), bool)
    for m in mixes:
        if track.shot not in (m.outgoing, m.incoming):
            continue
        rows = range(len(track.frames)) if track.shot == m.outgoing else range(len(track.frames) - 1, -1, -1)
        anchor = None
        for r in rows:
            inside = m.first <= int(track.frames[r]) <= m.last
            if anchor is not None and inside and _jumps(track, anchor, r):
                keep[r] = False
            else:
                anchor = r
    return track if keep.all() else track.take(keep)


def _jumps(track: FaceTrack, anchor: int, row: int) -> bool:
    """Whether ``track``'s box at ``row`` is off the face its box at ``anchor`` is on (see ``_without_jumps``)."""
    ratio = _centre_size(track.boxes[row])[1] / _centre_size(track.boxes[anchor])[1]
    return not 1.0 / JOIN_SIZE_RATIO <= ratio <= JOIN_SIZE_RATIO


def _carried(track: FaceTrack, mixes: list[_Mix], flat: frozenset[int], config: AnalysisConfig) -> FaceTrack:
    """``track`` carried over the part of a dissolve's mix where its picture is at least half opaque and the detector
    missed its face: an outgoing face lost inside the mix before the new shot's start is carried on to the frame
    before it (a face fading out is lost before it is gone), an incoming face first found inside the mix after the
    start is carried back to it (one fading in is found late). The nearest observed landmarks are kept, moving at
    their speed there, flagged as bridged (``FaceTrack.interpolated``); at most ``config.bridge_frames`` frames, flat
    frames left out."""
    begin, end = int(track.frames[0]), int(track.frames[-1])
    frames: list[int] = []
    for m in mixes:
        if m.outgoing == track.shot and m.first <= end < m.start - 1:
            frames = list(range(end + 1, min(m.start, end + 1 + config.bridge_frames)))
        elif m.incoming == track.shot and m.start < begin <= m.last:
            frames = list(range(max(m.start, begin - config.bridge_frames), begin))
    frames = [f for f in frames if f not in flat]
    return _moved_on(track, np.array(frames, np.int64)) if frames else track


def _moved_on(track: FaceTrack, frames: np.ndarray) -> FaceTrack:
    """``track`` with ``frames`` (all before its first frame or all after its last) added as bridged frames: the
    observed landmarks at that end moved at the speed there (over ``VELOCITY_FRAMES`` observed frames)."""
    seen = np.flatnonzero(~track.interpolated)
    rows = seen[-VELOCITY_FRAMES:] if frames[0] > track.frames[-1] else seen[:VELOCITY_FRAMES]
    centres = (track.boxes[rows, :2] + track.boxes[rows, 2:]) / 2.0
    velocity = (centres[-1] - centres[0]) / max(int(track.frames[rows[-1]] - track.frames[rows[0]]), 1)
    anchor = rows[-1] if frames[0] > track.frames[-1] else rows[0]
    steps = ((frames - track.frames[anchor])[:, None] * velocity[None]).astype(np.float32)  # (K, 2)
    landmarks = np.repeat(track.landmarks[anchor][None], len(frames), axis=0)
    landmarks[:, :, :2] += steps[:, None]
    boxes = track.boxes[anchor][None] + np.concatenate([steps, steps], axis=1)
    n = len(frames)
    all_frames = np.concatenate([track.frames, frames])
    order = np.argsort(all_frames, kind="stable")
    return FaceTrack(track.track_id, track.shot, all_frames[order],
                     np.concatenate([track.landmarks, landmarks])[order],
                     np.concatenate([track.boxes, boxes])[order],
                     np.concatenate([track.scores, np.zeros(n, np.float32)])[order],
                     np.concatenate([track.interpolated, np.ones(n, bool)])[order])


def _more_opaque(tracks: list[FaceTrack], mixes: list[_Mix]) -> list[FaceTrack]:
    """``tracks`` without the frames of a dissolve's mix where an outgoing and an incoming track sit on one place (boxes
    overlapping by ``tracklets.DUPLICATE_IOU``: one mesh cannot show both faces): before the new shot's start the
    outgoing picture is the more opaque and keeps the frame, from it on the incoming one. A track left with no frame is
    dropped."""
    drop = [np.zeros(len(t.frames), bool) for t in tracks]
    for m in mixes:
        for a, ta in enumerate(tracks):
            for b, tb in enumerate(tracks):
                if ta.shot != m.outgoing or tb.shot != m.incoming:
                    continue
                _, ia, ib = np.intersect1d(ta.frames, tb.frames, return_indices=True)
                for i, j in zip(ia, ib):
                    if float(iou(ta.boxes[i], tb.boxes[j][None])[0]) >= DUPLICATE_IOU:
                        drop[a][i] |= bool(ta.frames[i] >= m.start)
                        drop[b][j] |= bool(tb.frames[j] < m.start)
    return [t.take(~d) for t, d in zip(tracks, drop) if not d.all()]


def _faded_out(tracklets: list[FaceTrack], mixes: list[_Mix]) -> list[FaceTrack]:
    """``tracklets`` with each incoming-shot tracklet that starts inside a dissolve's mix and ends before the mix's last
    frame given to the outgoing shot: the incoming picture only gains opacity over the mix, so a face of it, once
    found, is still there at the mix's end; a face lost inside the mix faded out with the outgoing picture."""
    starting = {m.incoming: (m.first, m.last, m.outgoing) for m in mixes}
    out = []
    for t in tracklets:
        first, last, outgoing = starting.get(t.shot, (0, -1, t.shot))
        inside = first <= int(t.frames[0]) and int(t.frames[-1]) < last
        out.append(replace(t, shot=outgoing) if inside else t)
    return out


def _dissolve_frames(per_frame: Sequence[FrameFaces]) -> set[int]:
    """Frame numbers of the frames inside a dissolve (``FrameFaces.in_dissolve``) and the frame either side."""
    out: set[int] = set()
    for row, f in enumerate(per_frame):
        if f.in_dissolve:
            out.update(g.frame for g in per_frame[max(row - 1, 0): row + 2])
    return out


def default_track(tracks: Sequence[FaceTrack], frame_size: tuple[int, int]) -> FaceTrack:
    """The track to work on when the user names none: the largest, most central, longest-seen face.

    Each frame of a track scores sqrt(box area / frame area) x centrality (1 at the frame centre,
    0 at a corner); the track with the highest total wins.

    Args:
        tracks: from :func:`track_faces`.
        frame_size: (height, width) of the frames.

    Raises:
        NoFaceTrackError: ``tracks`` is empty.
    """
    if not tracks:
        raise NoFaceTrackError("no face was found in any frame of the shot, so there is no face track to use")
    h, w = frame_size
    half_diagonal = float(np.hypot(w, h)) / 2.0

    def weight(t: FaceTrack) -> float:
        centres = (t.boxes[:, :2] + t.boxes[:, 2:]) / 2.0
        centrality = 1.0 - np.minimum(np.linalg.norm(centres - [w / 2.0, h / 2.0], axis=1) / half_diagonal, 1.0)
        area = np.prod(np.clip(t.boxes[:, 2:] - t.boxes[:, :2], 0, None), axis=1) / float(w * h)
        return float((np.sqrt(area) * centrality).sum())

    return max(tracks, key=weight)
