"""Shot boundaries: hard cuts (PySceneDetect's adaptive detector), fades through black, dissolves.

:class:`ShotDetector` is fed the frames the analysis already decodes (it keeps a small thumbnail of
each, no second decode) and decides the shots at the end:

- **hard cuts**: ``scenedetect.detectors.AdaptiveDetector`` on the thumbnails (content change against
  its rolling average, so a dark film whose shots share a palette still cuts). A candidate is dropped
  when some frame shortly before it and some frame shortly after it look alike: a flash frame, a
  black frame or an object flashing past inside one shot, and when it is one step of a dissolve's mix (a small share
  of the change over the mix found with the cuts not hiding it: next to a still shot the detector's neighbouring
  scores are the grain's, and the first or last step of a mix can pass its ratio);
- **fades through black**: ``scenedetect.detectors.ThresholdDetector`` finds the dark runs; the new
  shot starts at the first frame brighter than the run's darkest level, if the picture ramps down into
  the run or up out of it (a lone black frame inside a shot has no ramp);
- **dissolves**: own test on the thumbnails, over windows of several lengths: the middle frame of the
  window is explained by a mix ``w * first + (1 - w) * last`` of its end frames (part way, small
  residual), and it has lost contrast as two unlike pictures mixed do (against the ends' contrast
  weighted by ``w``; a pan, a zoom or a grade keep it) while keeping the contrast of that mix (a blur
  has less). The mix is tried on 16- and on 8-pixel-wide thumbnails (a window passing at either reads as
  a mix: at 8 across, cameras moving in both shots barely move a pixel). Windows in reach of a found cut
  or fade are dropped (the change is theirs). The windows of one dissolve are joined; over their span (on 6-pixel-wide
  thumbnails, coarser still: a fast pan's steps there are no longer several times a mix step) the mix is the run of
  frame-to-frame steps pointing from the picture at its start to the picture at its end (a camera moving in either
  shot steps elsewhere; inside the mix each picture's own move, as next to the mix, is taken out at its share), its
  two ends the dissolve's; the new shot starts half way between them. A mix whose windows all reach with an end into
  another mix, their middles outside it, is that mix's change seen over a moving shot.

Flat frames (black, white, one colour) never start a shot.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scenedetect import FrameTimecode
from scenedetect.detectors import AdaptiveDetector, ThresholdDetector

THUMB_WIDTH = 96
DISSOLVE_WIDTH = 16  # the mix test runs on tiny thumbnails: motion inside the two shots matters little there
DISSOLVE_COARSE_WIDTH = 8  # ... and again on coarser ones, where a moving camera in both shots barely moves a pixel
BEND_WIDTH = 6  # a found mix's ends are read on these: on 16 px a pan's steps (4x a 16-frame mix's) hid its first ones
CONTRAST_WIDTH = 32  # contrast (pixel standard deviation) is read on these thumbnails
DISSOLVE_LAGS = (2, 3, 4, 5, 6, 8, 10, 12)  # half windows (frames) tried; dissolves of 4..24 frames are found
DISSOLVE_WEIGHTS = (0.2, 0.8)  # the middle frame's share of the first picture lies in here
DISSOLVE_RESIDUAL = 0.4  # largest off-mix residual of the middle frame (fraction of the ends' difference)
DISSOLVE_DIP = 0.85  # middle contrast, at most this fraction of the ends' contrast weighted by the mix
DISSOLVE_MIX_CONTRAST = 1.15  # middle contrast, at most this multiple of the contrast of the ends' mix
DISSOLVE_MIN_CHANGE = 12.0  # RMS level difference of the window's ends for a dissolve (8-bit)
NEAR_TIE = 0.05  # fits of a mix's bends this close (share of the best's error) are told apart by where they centre
MIX_STEP = 0.5  # a cut detected on a step of a dissolve's mix under this share of the mix's change is the mix's
SAME_PICTURE = 0.45  # across a candidate, frames this close (fraction of the cut's own change) = same shot
AROUND = 4  # frames looked at on each side of a candidate
DARK_LEVEL = 12  # mean 8-bit level under which a frame is faded out (ThresholdDetector)
FADE_RAMP = 0.7  # a fade: the frame next to the dark run is below this fraction of the level AROUND frames away
FPS = 24.0  # PySceneDetect's timecodes need a rate; boundaries are frame indices, so any rate works


@dataclass(frozen=True)
class Boundary:
    """Where a new shot starts: ``index`` (0-based row of the first frame) and ``kind`` (cut | fade | dissolve);
    ``span``: for a dissolve, the first and last row of the mix (its bends: the outgoing picture's last row and the
    incoming one's first, inclusive), else None."""

    index: int
    kind: str
    span: tuple[int, int] | None = None


class ShotDetector:
    """Collect frames with :meth:`add`, then :meth:`boundaries` / :meth:`shot_index`."""

    def __init__(self, adaptive_threshold: float = 3.0, min_content: float = 8.0):
        self._adaptive = AdaptiveDetector(adaptive_threshold=adaptive_threshold, min_scene_len=2,
                                          window_width=2, min_content_val=min_content)
        self._dark = ThresholdDetector(threshold=DARK_LEVEL, min_scene_len=0, add_final_scene=False)
        self._thumbs: list[np.ndarray] = []
        self._flat: list[bool] = []
        self._cuts: list[int] = []
        self._fades: list[int] = []

    def add(self, image: np.ndarray, flat: bool) -> None:
        """Feed the next frame, ``(H, W, 3) uint8`` sRGB; ``flat``: it has no content (``signature.frame_summary``)."""
        self.add_thumbnail(shot_thumbnail(image), flat)

    def add_thumbnail(self, thumb: np.ndarray, flat: bool) -> None:
        """Feed the next frame by its :func:`shot_thumbnail` (made ahead, e.g. on a reader's thread)."""
        index = len(self._thumbs)
        self._thumbs.append(thumb)
        self._flat.append(flat)
        timecode = FrameTimecode(index, fps=FPS)
        bgr = thumb[:, :, ::-1]
        if not flat:  # flat frames never feed the content detector: they neither cut nor hide a cut
            self._cuts += [t.frame_num for t in self._adaptive.process_frame(timecode, bgr)]
        self._fades += [t.frame_num for t in self._dark.process_frame(timecode, bgr)]

    def boundaries(self) -> list[Boundary]:
        """Every shot start after the first shot, in order (at most one per 3 frames; at one frame a fade is preferred:
        coming out of black, the content detector sees a cut there too)."""
        if not self._thumbs:
            return []
        small = _shrunk(self._thumbs, DISSOLVE_WIDTH)
        fades = [b for b in (self._fade_start(f, small) for f in self._fades) if b is not None]
        scales = [small.reshape(len(small), -1), _shrunk(self._thumbs, DISSOLVE_COARSE_WIDTH).reshape(len(small), -1)]
        fine = _shrunk(self._thumbs, CONTRAST_WIDTH).reshape(len(small), -1)
        # the content detector also fires on a single step of a dissolve (the first out of a still shot, the last
        # into one: their neighbours' scores are the grain's); such a step is a small share of the mix found when
        # the cuts do not hide it, and the change is the dissolve's
        bends = _shrunk(self._thumbs, BEND_WIDTH).reshape(len(small), -1)
        loose = [span for _, span in _dissolves(scales, fine, bends, self._flat, [b.index for b in fades])]
        found = [Boundary(self._shot_start(c), "cut") for c in self._cuts
                 if not self._same_picture(small, c) and not _mix_step(scales[0], c, loose)]
        found += fades
        dissolves = _dissolves(scales, fine, bends, self._flat, [b.index for b in found])
        found += [Boundary(self._shot_start(d), "dissolve", span) for d, span in dissolves]
        kept: list[Boundary] = []
        for b in sorted(found, key=lambda b: (b.index, ("fade", "cut", "dissolve").index(b.kind))):
            if 0 < b.index < len(self._thumbs) and (not kept or b.index - kept[-1].index > 2):
                kept.append(b)
        return kept

    def shot_index(self) -> np.ndarray:
        """``(N,) int64`` shot index of every frame fed, 0 for the first shot."""
        out = np.zeros(len(self._thumbs), np.int64)
        for b in self.boundaries():
            out[b.index:] += 1
        return out

    def _shot_start(self, index: int) -> int:
        """``index``, or the first frame with content after it (flat frames never start a shot)."""
        while index < len(self._flat) - 1 and self._flat[index]:
            index += 1
        return index

    def _content_rows(self, start: int, stop: int, step: int) -> list[int]:
        rows = []
        i = start
        while 0 <= i < len(self._flat) and len(rows) < AROUND:
            if not self._flat[i]:
                rows.append(i)
            i += step
        return rows

    def _same_picture(self, small: np.ndarray, index: int) -> bool:
        """Whether a frame shortly before ``index`` and one shortly after show the same picture."""
        before = self._content_rows(index - 1, 0, -1)
        after = self._content_rows(index, 0, 1)
        if not before or not after:
            return False
        change = _distance(small[before[0]], small[after[0]])
        closest = min(_distance(small[a], small[b]) for a in before for b in after)
        return closest < SAME_PICTURE * change

    def _fade_start(self, split: int, small: np.ndarray) -> Boundary | None:
        """The shot start of a fade through black that ThresholdDetector split at ``split`` (``None``: same shot)."""
        level = small.mean(axis=(1, 2, 3))
        lo = split
        while lo > 0 and level[lo - 1] < DARK_LEVEL:
            lo -= 1
        hi = split
        while hi < len(level) and level[hi] < DARK_LEVEL:
            hi += 1
        run = slice(lo, max(hi, lo + 1))
        darkest = float(level[run].min())
        start = lo + int(np.argmin(level[run]))
        while start < len(level) - 1 and level[start] <= darkest + 1.0:
            start += 1
        # a fade ramps down into the run or up out of it; a lone black frame (dropout) inside a shot does not,
        # and a black slug between two different shots is a content jump the cut detector sees across it
        before, after = max(lo - 1, 0), min(hi, len(level) - 1)
        ramp_down = level[before] < FADE_RAMP * level[max(before - AROUND, 0)]
        ramp_up = level[after] < FADE_RAMP * level[min(after + AROUND, len(level) - 1)]
        if not (ramp_down or ramp_up):
            return None
        return Boundary(start, "fade")


def shot_thumbnail(image: np.ndarray) -> np.ndarray:
    """``(h, THUMB_WIDTH, 3) uint8`` the thumbnail :class:`ShotDetector` keeps of an ``(H, W, 3) uint8`` frame (strided,
    then area-averaged: cheap at UHD)."""
    h, w = image.shape[:2]
    step = max(1, w // (4 * THUMB_WIDTH))
    size = (THUMB_WIDTH, max(1, round(THUMB_WIDTH * h / w)))
    return cv2.resize(image[::step, ::step], size, interpolation=cv2.INTER_AREA)


def _shrunk(thumbs: list[np.ndarray], width: int) -> np.ndarray:
    """``(N, h, width, 3) float32`` the thumbnails shrunk to ``width`` pixels across."""
    return np.stack([cv2.resize(t, (width, max(1, t.shape[0] * width // t.shape[1])), interpolation=cv2.INTER_AREA)
                     for t in thumbs]).astype(np.float32)


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    """RMS difference of two thumbnails (8-bit levels)."""
    return float(np.sqrt(np.mean((a - b) ** 2)))


def _dissolves(scales: list[np.ndarray], fine: np.ndarray, bends: np.ndarray, flat: list[bool],
               hard: list[int]) -> list[tuple[int, tuple[int, int]]]:
    """Rows where a dissolve's mix weight passes 0.5, each with the dissolve's first and last row (see the module
    docstring).

    Args:
        scales: ``(N, P) float32`` tiny thumbnails (mix weight and residual), finest first; a window reads as a
            mix when it does at any of these scales (the coarser forgive motion in both shots); the windows read as
            a mix on the finest scale that saw the dissolve give the rows its ends are looked for in.
        fine: ``(N, Q) float32`` larger thumbnails (contrast).
        bends: ``(N, R) float32`` the thumbnails the mix's ends are read on (:data:`BEND_WIDTH`,
            :func:`_mix_middle`): on the finest scale a fast pan's steps were several times a long mix's, so the
            mix's first steps (the outgoing picture still most of the frame) pointed along the pan and were left out
            of the mix (16-frame dissolves out of a pan 2-3 frames late).
        flat: per frame, no content. hard: shot starts found as cuts or fades.
    """
    small = scales[0]
    n = len(small)
    means = small.mean(axis=1)
    spread = fine.std(axis=1)
    seen: list[tuple[int, int, int]] = []  # (centre, lag, finest scale passed) of every window read as a mix
    for lag in DISSOLVE_LAGS:
        for centre in range(lag, n - lag):
            first, last = centre - lag, centre + lag
            if any(flat[first: last + 1]) or min(means[first], means[last]) < DARK_LEVEL:
                continue
            if any(abs(centre - h) <= lag + 2 for h in hard):  # a cut or fade in reach explains the change
                continue
            scale = next((k for k, s in enumerate(scales) if _mixes(s, fine, spread, first, centre, last)), None)
            if scale is not None:
                seen.append((centre, lag, scale))
    found: list[tuple[tuple[int, tuple[int, int]], list[tuple[int, int]]]] = []  # each mix and its windows
    usable = [not f and m >= DARK_LEVEL for f, m in zip(flat, means)]
    group: list[tuple[int, int, int]] = []
    for window in sorted(seen) + [(n + 4 * max(DISSOLVE_LAGS), 0, 0)]:
        if group and window[0] - group[-1][0] > 3:
            scale = min(k for _, _, k in group)  # the windows on the finest scale that saw the mix
            span = [(c, g) for c, g, k in group if k == scale]
            # the windows' ends may lie inside the mix: its bends are looked for up to the shortest half window beyond
            reach = (_beyond(min(c - g for c, g in span), -1, usable), _beyond(max(c + g for c, g in span), 1, usable))
            found.append((_mix_middle(bends, reach, (min(c for c, _ in span), max(c for c, _ in span))),
                          [(c, g) for c, g, _ in group]))
            group = []
        group.append(window)
    # a few long windows over a moving shot with one end inside another mix read that mix's change as their own (a
    # dark pan next to a dissolve, issue 11): a mix all of whose windows reach into another's is none
    return [mix for k, (mix, windows) in enumerate(found)
            if not any(all(_reaches_into(c, g, other[1]) for c, g in windows)
                       for j, (other, _) in enumerate(found) if j != k)]


def _reaches_into(centre: int, lag: int, span: tuple[int, int]) -> bool:
    """Whether the window ``centre +- lag`` has an end strictly inside the mix ``span`` (its bends) and its middle
    outside it."""
    s, e = span
    return not s <= centre <= e and (s < centre + lag < e or s < centre - lag < e)


def _mix_step(small: np.ndarray, index: int, spans: list[tuple[int, int]]) -> bool:
    """Whether the step into row ``index`` is one step of a dissolve: it lies in (or next to) one of the mixes
    ``spans`` (bends, inclusive) and is under :data:`MIX_STEP` of the change from the mix's first bend to its last (a
    hard cut's step is the whole change; a mix of ``d`` frames takes ``d + 1`` steps). ``small``: ``(N, P)``."""
    step = float(np.linalg.norm(small[index] - small[index - 1])) if index > 0 else np.inf
    return any(s <= index <= e + 1 and step < MIX_STEP * float(np.linalg.norm(small[e] - small[s])) for s, e in spans)


def _beyond(row: int, step: int, usable: list[bool]) -> int:
    """``row`` moved ``step`` at a time, at most the shortest half window (``DISSOLVE_LAGS[0]``), over usable rows."""
    for _ in range(DISSOLVE_LAGS[0]):
        if not (0 <= row + step < len(usable) and usable[row + step]):
            break
        row += step
    return row


def _mixes(small: np.ndarray, fine: np.ndarray, spread: np.ndarray, first: int, centre: int, last: int) -> bool:
    """Whether frame ``centre`` is a part-way mix of two unlike pictures, frames ``first`` and ``last``."""
    a, b = small[first], small[last]
    d = a - b
    norm2 = float(d @ d)
    if norm2 / d.size < DISSOLVE_MIN_CHANGE ** 2:
        return False
    weight = float((small[centre] - b) @ d) / norm2  # share of the first picture
    if not DISSOLVE_WEIGHTS[0] <= weight <= DISSOLVE_WEIGHTS[1]:
        return False
    if float(((small[centre] - b - weight * d) ** 2).sum()) > DISSOLVE_RESIDUAL ** 2 * norm2:
        return False
    # two unlike pictures mixed lose contrast against the ends' (a pan, a zoom, a grade keep it), and the
    # middle has the contrast of that mix of the ends (a blur or a focus pull has less)
    if spread[centre] > DISSOLVE_DIP * (weight * spread[first] + (1 - weight) * spread[last]):
        return False
    mix = fine[last] + weight * (fine[first] - fine[last])
    return bool(spread[centre] <= DISSOLVE_MIX_CONTRAST * float(mix.std()))


def _mix_middle(small: np.ndarray, window: tuple[int, int], centres: tuple[int, int]) -> tuple[int, tuple[int, int]]:
    """The row where a dissolve is half way, and its two bends (the last row of the outgoing picture and the first of
    the incoming one), looked for in rows ``window`` (first and last; the windows that read as a mix, and a little
    beyond) around ``centres`` (the first and last of those windows' middle rows, which lie inside the mix).

    Each frame-to-frame step of the mix adds a share of the change from one picture to the other, so it points along
    ``small[e] - small[s]``, the difference of the bends ``s`` and ``e``; a camera moving in either shot steps
    elsewhere. The bends are the pair around the centres whose own difference best explains the steps: the cosines
    of the steps with it fitted by one positive level inside ``s..e`` and, outside, no step pointing along it
    (least squares; a step pointing away counts nothing). The direction is read between the bends, not between the
    window's ends: a window reaching into the shots takes their camera moves into it, steps outside the mix then lean
    towards it and joined the mix (a 10-frame dissolve into a zoom read as 16 frames, 2 frames late).
    (Fitting the outside level cut a 20-frame dissolve into a pan short: the pan's growing share of each step lowers
    the cosine late in the mix.)
    """
    first, last = window
    steps = small[first + 1: last + 1] - small[first: last]  # (K, P): step k goes from row first + k to the next
    lengths = np.linalg.norm(steps, axis=1)
    fits: list[tuple[float, int, int]] = []
    middle = (centres[0] + centres[1]) // 2  # not every window's middle is in the mix: one end of it surely is
    for s in range(first, middle):
        for e in range(middle + 1, last + 1):
            d = small[e] - small[s]
            norm = float(np.linalg.norm(d))
            # inside, each picture goes on moving as it did next to the mix, at its share of the mix: taken out
            cosine = steps @ d / np.maximum(lengths * norm, 1e-6)
            moving = _shots_moving(steps, s - first, e - first)
            still = moving @ d / np.maximum(np.linalg.norm(moving, axis=1) * norm, 1e-6)
            inside = np.maximum(cosine[s - first: e - first], still)
            outside = np.delete(cosine, np.s_[s - first: e - first])
            error = float(((inside - inside.mean()) ** 2).sum() + (np.maximum(outside, 0.0) ** 2).sum())
            if inside.mean() > 0.0:
                fits.append((error, s, e))
    if not fits:
        return first + int(np.ceil((last - first) / 2.0)), (first, last)
    # of fits within NEAR_TIE of the best (both cameras moving, the mix's last steps point as much along the incoming
    # camera as along the mix), the one centred nearest the windows' middles
    least = min(f[0] for f in fits)
    centre = (centres[0] + centres[1]) / 2.0
    _, s, e = min((abs((s + e) / 2.0 - centre), s, e)
                  for error, s, e in fits if error <= least * (1.0 + NEAR_TIE))
    return s + int(np.ceil((e - s) / 2.0)), (s, e)


def _shots_moving(steps: np.ndarray, s: int, e: int) -> np.ndarray:
    """``(e - s, P)`` steps ``s .. e - 1`` of ``steps (K, P)`` less the two pictures' own moves: the step into ``s``
    (the outgoing shot's) at the outgoing share of the mix, the step out of ``e`` (the incoming shot's) at the
    incoming share."""
    zero = np.zeros(steps.shape[1], steps.dtype)
    before = steps[s - 1] if s > 0 else zero
    after = steps[e] if e < len(steps) else zero
    share = ((np.arange(s, e) - s + 0.5) / (e - s))[:, None]
    return steps[s:e] - (1 - share) * before - share * after
