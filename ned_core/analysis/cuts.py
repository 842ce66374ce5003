"""Shot boundaries: hard cuts (PySceneDetect's adaptive detector), fades through black, dissolves.

:class:`ShotDetector` is fed the frames the analysis already decodes (it keeps a small thumbnail of
each, no second decode) and decides the shots at the end:

- **hard cuts**: ``scenedetect.detectors.AdaptiveDetector`` on the thumbnails (content change against
  its rolling average, so a dark film whose shots share a palette still cuts). A candidate is dropped
  when some frame shortly before it and some frame shortly after it look alike: a flash frame, a
  black frame or an object flashing past inside one shot;
- **fades through black**: ``scenedetect.detectors.ThresholdDetector`` finds the dark runs; the new
  shot starts at the first frame brighter than the run's darkest level, if the picture ramps down into
  the run or up out of it (a lone black frame inside a shot has no ramp);
- **dissolves**: own test on the thumbnails: across a window of ``2 * DISSOLVE_LAG + 1`` frames every
  frame is a linear mix of the window's ends, the mix weight rises gradually, and the ends differ in
  picture, not only in brightness (that is a fade or a grade). The new shot starts where the weight
  passes 0.5.

Flat frames (black, white, one colour) never start a shot.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scenedetect import FrameTimecode
from scenedetect.detectors import AdaptiveDetector, ThresholdDetector

THUMB_WIDTH = 96
DISSOLVE_WIDTH = 8  # the mix test runs on tiny thumbnails: motion inside the two shots matters little there
DISSOLVE_LAG = 6  # half window (frames) of the dissolve test; dissolves of up to ~2x this are found
DISSOLVE_RESIDUAL = 0.45  # largest off-line residual (fraction of the ends' difference) of a mix
DISSOLVE_DIP = 0.85  # contrast at the half-way frame, at most this fraction of the ends' (variance dip)
DISSOLVE_MIN_CHANGE = 18.0  # RMS level difference of the window's ends for a dissolve (8-bit)
DISSOLVE_MAX_STEP = 0.45  # largest mix-weight step between two frames (a hard cut steps by ~1)
SAME_PICTURE = 0.45  # across a candidate, frames this close (fraction of the cut's own change) = same shot
AROUND = 4  # frames looked at on each side of a candidate
DARK_LEVEL = 12  # mean 8-bit level under which a frame is faded out (ThresholdDetector)
FADE_RAMP = 0.7  # a fade: the frame next to the dark run is below this fraction of the level AROUND frames away
FPS = 24.0  # PySceneDetect's timecodes need a rate; boundaries are frame indices, so any rate works


@dataclass(frozen=True)
class Boundary:
    """Where a new shot starts: ``index`` (0-based row of the first frame) and ``kind`` (cut | fade | dissolve)."""

    index: int
    kind: str


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
        h, w = image.shape[:2]
        step = max(1, w // (4 * THUMB_WIDTH))
        size = (THUMB_WIDTH, max(1, round(THUMB_WIDTH * h / w)))
        thumb = cv2.resize(image[::step, ::step], size, interpolation=cv2.INTER_AREA)
        index = len(self._thumbs)
        self._thumbs.append(thumb)
        self._flat.append(flat)
        timecode = FrameTimecode(index, fps=FPS)
        bgr = thumb[:, :, ::-1]
        if not flat:  # flat frames never feed the content detector: they neither cut nor hide a cut
            self._cuts += [t.frame_num for t in self._adaptive.process_frame(timecode, bgr)]
        self._fades += [t.frame_num for t in self._dark.process_frame(timecode, bgr)]

    def boundaries(self) -> list[Boundary]:
        """Every shot start after the first shot, in order (at most one per 3 frames, cuts preferred)."""
        if not self._thumbs:
            return []
        small = np.stack([cv2.resize(t, (DISSOLVE_WIDTH, max(1, t.shape[0] * DISSOLVE_WIDTH // t.shape[1])),
                                     interpolation=cv2.INTER_AREA) for t in self._thumbs]).astype(np.float32)
        found = [Boundary(self._shot_start(c), "cut") for c in self._cuts if not self._same_picture(small, c)]
        found += [b for b in (self._fade_start(f, small) for f in self._fades) if b is not None]
        spread = np.array([float(t.std()) for t in self._thumbs])
        found += [Boundary(self._shot_start(d), "dissolve") for d in _dissolves(small, spread, self._flat)]
        kept: list[Boundary] = []
        for b in sorted(found, key=lambda b: (b.index, ("cut", "fade", "dissolve").index(b.kind))):
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


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    """RMS difference of two thumbnails (8-bit levels)."""
    return float(np.sqrt(np.mean((a - b) ** 2)))


def _dissolves(small: np.ndarray, spread: np.ndarray, flat: list[bool]) -> list[int]:
    """Rows where a dissolve's mix weight passes 0.5 (see the module docstring); ``spread``: ``(N,)`` pixel
    standard deviation of each frame's thumbnail."""
    n, lag = len(small), DISSOLVE_LAG
    vectors = small.reshape(n, -1)
    means = vectors.mean(axis=1)
    found: list[int] = []
    for centre in range(lag, n - lag):
        a, b = vectors[centre - lag], vectors[centre + lag]
        if any(flat[centre - lag: centre + lag + 1]) or min(means[centre - lag], means[centre + lag]) < DARK_LEVEL:
            continue
        d = b - a
        norm2 = float(d @ d)
        if np.sqrt(norm2 / d.size) < DISSOLVE_MIN_CHANGE:
            continue
        # a fade or a grade change moves brightness only: the ends agree once normalised
        if _distance(a / means[centre - lag], b / means[centre + lag]) * 100.0 < DISSOLVE_MIN_CHANGE:
            continue
        window = vectors[centre - lag: centre + lag + 1] - a
        weight = window @ d / norm2
        residual = np.sqrt(((window - weight[:, None] * d[None]) ** 2).mean(axis=1) / (norm2 / d.size))
        steps = np.diff(weight)
        if residual.max() < DISSOLVE_RESIDUAL and steps.max() < DISSOLVE_MAX_STEP and steps.min() > -0.1:
            middle = centre - lag + int(np.argmax(weight >= 0.5))
            # two unlike pictures mixed half and half lose contrast (a zoom or a pan keeps it); the contrast of
            # each side is read up to 2 lags away, outside a dissolve longer than the window
            before = spread[max(centre - 2 * lag, 0): centre - lag + 1].max()
            after = spread[centre + lag: centre + 2 * lag + 1].max()
            if spread[middle] < DISSOLVE_DIP * min(before, after):
                found.append(centre)
    # one dissolve is seen from several windows: the union of a run of them spans it, and the mix weight
    # along that span says where it passes half way
    out: list[int] = []
    groups: list[list[int]] = []
    for centre in found:
        if groups and centre - groups[-1][-1] <= lag:
            groups[-1].append(centre)
        else:
            groups.append([centre])
    for group in groups:
        first, last = group[0] - lag, group[-1] + lag
        d = vectors[last] - vectors[first]
        weight = (vectors[first: last + 1] - vectors[first]) @ d / float(d @ d)
        out.append(first + int(np.argmax(weight >= 0.5)))
    return out
