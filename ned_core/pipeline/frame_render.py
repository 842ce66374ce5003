"""Stages 5-6 for one track of a shot: the renderer prepared once, then frame -> face plate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ned_core.analysis import TrackAnalysis
from ned_core.composite import composite_face
from ned_core.composite.bridge import bridge_opacity, faded
from ned_core.composite.occlusion import (
    OcclusionReference,
    canonical_read_box,
    occlusion_mask,
    reference_from_canonical,
    to_canonical,
    unoccluded,
)
from ned_core.io.exr import FacePlate
from ned_core.io.plate_source import Frame, PlateSource, clip_window
from ned_core.io.stmap import warp_stmap
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.mouth_cache import (
    cached_mouth_index,
    cached_occlusion_reference,
    cached_shot_rims,
    mouth_index_key,
)
from ned_core.render import MOUTH_SYNTHESISED, MeshWarpRenderer, RenderedFace, ShotContext
from ned_core.render.glasses import rim_read_box, rim_vote, rims_from_votes
from ned_core.render.mouth_index import build_mouth_index, patch_footprint


#: Headroom beyond the renderer's and the composite's own reach, as a fraction of the face's size: the warp samples
#: the source up to the edit's displacement away, and the blend's coarsest band reaches a few pixels further.
READ_HEADROOM = 0.4
GLASSES_SAMPLES = 8  # frames of a track the spectacle rims are found in (render.glasses.rims_from_votes)


def window_growth(config: NedConfig) -> float:
    """Fraction of the face's size read around it: the warp's fade band (``render.reach``), the plate's margin
    (``composite.reach``) and :data:`READ_HEADROOM` (0.2 + 0.15 + 0.4 = 0.75 with the default configs)."""
    return config.render.reach + config.composite.reach + READ_HEADROOM


def render_window(growth: float, src: np.ndarray, dst: np.ndarray) -> tuple[int, int, int, int]:
    """The part of the frame a render reads and writes: the face (``(478, 3)`` source and target landmarks) grown by
    ``growth`` (:func:`window_growth`) of its size on each side, as ``(x0, y0, x1, y1)``, not clipped."""
    pts = np.vstack([src[:468, :2], dst[:468, :2]])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    grow = growth * float(max(hi - lo))
    return (int(np.floor(lo[0] - grow)), int(np.floor(lo[1] - grow)),
            int(np.ceil(hi[0] + grow)) + 1, int(np.ceil(hi[1] + grow)) + 1)


class FrameRenderer:
    """Renders and composites one track's frames (embedded mesh-warp renderer).

    Args:
        config: the pipeline configuration (``render`` and ``composite`` slices).
        source: the open shot; read at random for mouth-interior retrieval while preparing.
        track: the track being edited.
    """

    def __init__(self, config: NedConfig, source: PlateSource, track: TrackAnalysis):
        self.config = config
        self.growth = window_growth(config)
        self.renderer = MeshWarpRenderer(config.render)
        info = source.info
        self.display_size = (info.width, info.height)
        rows = {int(n): i for i, n in enumerate(track.track.frames)}
        samples = self._occlusion_samples(track)
        rim_samples = _spread(track, GLASSES_SAMPLES)

        def reduced(frame: Frame) -> tuple[np.ndarray | None, np.ndarray | None]:
            """A sample window as what is kept of it (the window itself is not): the occlusion reference's small
            canonical grid and the spectacle rims' head-grid vote, each where the frame is one of its samples."""
            full = track.landmarks[rows[frame.number]]
            landmarks = _local(frame.origin, full, full)[0]
            return (to_canonical(frame.rgb, landmarks) if samples and frame.number in samples else None,
                    rim_vote(frame.rgb, landmarks) if frame.number in rim_samples else None)

        planned = {frame: self._sample_box(lm, frame in (samples or {}), frame in rim_samples)
                   for frame, lm in {**rim_samples, **(samples or {})}.items()}
        reads = SetupReads(source, planned, reduced)

        canvas = MouthCanvas((info.height, info.width))

        def mouth_only(number: int) -> np.ndarray:
            """Frame ``number`` with only the pixels its mouth patch samples colour-managed (zeros elsewhere):
            converting whole frames, or even face windows, would cost far more."""
            return canvas.show(reads.read(int(number), patch_footprint(track.landmarks[rows[int(number)]],
                                                                       config.render)))

        shot = ShotContext(frames=track.track.frames, landmarks=track.landmarks, frame_size=(info.height, info.width),
                           frame_reader=mouth_only)
        key = mouth_index_key(config, info.path, info.colourspace, track.track.frames, track.landmarks)
        self.renderer.prepare(shot, cached_mouth_index(config, key, lambda: build_mouth_index(shot, config.render)))
        #: the track's spectacle rims (render.glasses), found in frames spread over the whole track (a render of part
        #: of the shot finds the same; cached with the index, so a chunk or re-render reads none of them); False: none
        self.renderer.glasses = cached_shot_rims(
            config, key, lambda: rims_from_votes([reads.sample(n)[1] for n in rim_samples])) or False
        self.synthesised_mouth_frames: list[int] = []
        # bridged frames whose cause the occlusion mask can handle are painted (the mask hides what covers the face),
        # and so are those carried over a dissolve's mix: the face fades with its picture, nothing covers it
        share = np.asarray(track.track.mix_share, np.float32)
        faded = config.composite.faded_frames(track.track.interpolated & (share >= 1.0), track.track.held)
        opacity = bridge_opacity(track.track.frames, faded, config.composite.bridge_fade)
        #: frame -> the plate's opacity, for frames near or across a bridged gap (others are opaque)
        self.opacity = {int(f): float(w) for f, w in zip(track.track.frames, opacity) if w < 1.0}
        #: frame -> the face's picture's share of a dissolve's mix (frames inside one): the plate's opacity there, so
        #: the edit comes and goes with the face (the plate warps the mixed picture, the other one too, which this
        #: keeps to its share); no occlusion mask there: the other picture shows through the face, it covers nothing
        #: (read as an occluder it took 20-90 % of the plate off and let go at the mix's end: the edit popped in)
        self.mix_share = {int(f): float(w) for f, w in zip(track.track.frames, share) if w < 1.0}
        self.occlusion = None
        if samples is not None:
            def build() -> OcclusionReference:
                return reference_from_canonical([reads.sample(n)[0] for n in samples])

            self.occlusion = cached_occlusion_reference(self.config, key, build)
        #: frame -> the occlusion reference's sample of it unwrapped (``to_canonical``) during the set-up: :meth:`plate`
        #: does not unwrap it again (the same grid to the bit: the same pixels and landmarks, ~2 ms of CPU at 1080p)
        self.unwrapped = {n: kept[0] for n, kept in reads.kept().items() if kept[0] is not None}
        reads.close()  # windows read ahead for a reference that came from the cache are not held on to
        #: frame -> the share of the plate's alpha the occlusion mask removed (frames where it removed any)
        self.occluded: dict[int, float] = {}

    def _occlusion_samples(self, track: TrackAnalysis) -> dict[int, np.ndarray] | None:
        """``{frame: (478, 3) landmarks}`` the track's reference appearance (``composite.occlusion``) is built from:
        up to ``samples`` of its observed frames spread evenly over the whole track (so a render of part of the
        shot gets the same one; the reference is cached under the track's key, so a farm chunk does not read them
        again); None when occlusion masks are off or fewer than 3 frames were observed."""
        settings = self.config.composite.occlusion
        if settings is None or (~np.asarray(track.track.interpolated, bool)).sum() < 3:
            return None
        return _spread(track, settings.samples)

    def _sample_box(self, landmarks: np.ndarray, occlusion: bool, rims: bool) -> tuple[int, int, int, int]:
        """What the set-up reads of a sampled frame (``(478, 3)`` landmarks): only where the occlusion reference's
        ``to_canonical`` looks (the face's box, ~1/5 of the window's pixels) and/or where the spectacle rims are looked
        for (``render.glasses.rim_read_box``, eyes and brows), both the same to the bit as of the whole window (a UHD
        close-up's window is ~3 M pixels, ~30 ms of CPU to convert and colour-manage); the face's window where a box
        lies off the frame."""
        width, height = self.display_size
        boxes = ([canonical_read_box(landmarks, (height, width))] if occlusion else []) + \
            ([rim_read_box(landmarks, (height, width))] if rims else [])
        if any(x0 >= min(x1, width) or y0 >= min(y1, height) for x0, y0, x1, y1 in boxes):
            return self.window(landmarks, landmarks)
        return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))

    def window(self, src: np.ndarray, dst: np.ndarray) -> tuple[int, int, int, int]:
        """:func:`render_window` with this renderer's growth."""
        return render_window(self.growth, src, dst)

    def warp(self, frame: Frame, src: np.ndarray, dst: np.ndarray) -> RenderedFace:
        """The rendered face of one frame (whole, or a window read with :meth:`window`), before compositing.

        Frames must come in order (the renderer keeps the last retrieved mouth), so this runs on one thread.

        Args:
            frame: the frame; ``frame.origin`` places a window in the full frame.
            src, dst: ``(478, 3)`` source and target landmarks in full-frame pixels.
        """
        rendered = self.renderer.render(frame.number, frame.rgb, *_local(frame.origin, src, dst))
        if rendered.flags.get("mouth_fill") == MOUTH_SYNTHESISED:
            self.synthesised_mouth_frames.append(frame.number)
        return rendered

    def plate(self, frame: Frame, rendered: RenderedFace, src: np.ndarray, dst: np.ndarray) -> FacePlate:
        """The composited face plate of a :meth:`warp` result, transparent where something hides the face
        (``composite.occlusion``; the share of alpha removed goes to :attr:`occluded`), faded near bridged frames
        (:attr:`opacity`) and, inside a dissolve's mix, at the face's share of it (:attr:`mix_share`); depends on
        nothing but its arguments and the track's reference, so it may run on another thread (the plate writer's)
        while the next frame is warped."""
        local_src, local_dst = _local(frame.origin, src, dst)
        plate = composite_face(frame.rgb, rendered, local_src, local_dst, self.config.composite)
        opacity = self.opacity.get(frame.number, 1.0)
        if self.occlusion is not None and opacity > 0.0 and frame.number not in self.mix_share:
            occlusion = occlusion_mask(self.occlusion, frame.rgb, local_src, plate.data_window,
                                       self.config.composite.occlusion, self.unwrapped.get(frame.number))
            before = float(plate.mask.sum())
            plate = unoccluded(plate, occlusion)
            if before > 0.0 and float(plate.mask.sum()) < before:
                self.occluded[frame.number] = 1.0 - float(plate.mask.sum()) / before
        plate = faded(plate, opacity * self.mix_share.get(frame.number, 1.0))
        x0, y0, x1, y1 = plate.data_window
        ox, oy = frame.origin
        window = (x0 + ox, y0 + oy, x1 + ox, y1 + oy)
        return FacePlate(plate.frame, self.display_size, window, plate.rgba, plate.mask, plate.extra,
                         stmap=self._stmap(window, frame.origin, rendered, plate.mask))

    def _stmap(self, window: tuple[int, int, int, int], origin: tuple[int, int], rendered: RenderedFace,
               mask: np.ndarray) -> np.ndarray | None:
        """The plate's STMap layer when ``plates.stmap`` asks for it (see :mod:`ned_core.io.stmap`): the warp's
        sampling positions weighted by the blend ``mask``, over the plate's ``window`` (display pixels)."""
        if not self.config.plates.stmap or rendered.sample_map is None:
            return None
        ox, oy = origin
        bx0, by0, bx1, by1 = rendered.box
        map_x, map_y = rendered.sample_map
        return warp_stmap(window, self.display_size, (bx0 + ox, by0 + oy, bx1 + ox, by1 + oy), map_x + ox,
                          map_y + oy, mask)

    def advance(self, number: int, src: np.ndarray, dst: np.ndarray) -> None:
        """Step over frame ``number`` without reading or rendering it, leaving the renderer as :meth:`warp` of
        the frame's :meth:`window` would (a render of part of a shot calls it for the frames before the part).

        Args:
            src, dst: ``(478, 3)`` source and target landmarks in full-frame pixels.
        """
        x0, y0, x1, y1 = clip_window(self.window(src, dst), self.display_size, f"frame {number}")
        self.renderer.advance(number, (y1 - y0, x1 - x0), *_local((x0, y0), src, dst))


class MouthCanvas:
    """One ``(H, W, 3) float32`` frame-sized buffer that is zero except for the last window shown in it.

    The mouth index reads one patch per frame; a fresh zeroed 1080p frame (25 MB) per patch cost ~2.5 ms of CPU
    each (~0.12 s of a 96-frame close-up's set-up), so the buffer is reused: a frame it returns is valid until the
    next :meth:`show` (the index is done with each frame before it asks for the next).
    """

    def __init__(self, size: tuple[int, int]):
        self.frame = np.zeros((*size, 3), np.float32)
        self.shown: tuple[slice, slice] | None = None

    def show(self, part: Frame) -> np.ndarray:
        """The frame with ``part`` (a window read at ``part.origin``) in place and zeros elsewhere."""
        if self.shown is not None:
            self.frame[self.shown] = 0.0
        (x0, y0), (h, w) = part.origin, part.rgb.shape[:2]
        self.shown = (slice(y0, y0 + h), slice(x0, x0 + w))
        self.frame[self.shown] = part.rgb
        return self.frame


class SetupReads:
    """A renderer's set-up reads of the source, in one pass: the sample windows of the occlusion reference and the
    spectacle rims (``planned``, ``{frame: (x0, y0, x1, y1)}``) are read among the mouth index's patches (which come
    in increasing frame order), each just before the first patch of the same or a later frame, so a movie is decoded
    once for all of them instead of once for each (at 4K a second pass cost ~0.7 s of CPU per track). A planned
    window is handed to ``keep`` as soon as it is read and only what that returns is held (until :meth:`close`).
    """

    def __init__(self, source: PlateSource, planned: dict[int, tuple[int, int, int, int]],
                 keep: Callable[[Frame], Any]):
        self.source, self.keep = source, keep
        self.planned = dict(planned)
        self.ahead: dict[int, Any] = {}

    def read(self, number: int, box: tuple[int, int, int, int]) -> Frame:
        """``source.read(number, box)``, after the planned windows of frames up to ``number``."""
        for early in sorted(n for n in self.planned if n <= number):
            self.ahead[early] = self.keep(self.source.read(early, self.planned.pop(early)))
        return self.source.read(number, box)

    def sample(self, number: int) -> Any:
        """What ``keep`` made of frame ``number``'s planned window (read now, unless read before)."""
        if number not in self.ahead:
            self.ahead[number] = self.keep(self.source.read(number, self.planned.pop(number)))
        return self.ahead[number]

    def kept(self) -> dict[int, Any]:
        """``{frame: what keep made of its planned window}`` for the windows read so far."""
        return dict(self.ahead)

    def close(self) -> None:
        """Forget what was planned or read ahead and not taken (the renderer may keep the mouth reader)."""
        self.planned.clear()
        self.ahead.clear()


def _spread(track: TrackAnalysis, count: int) -> dict[int, np.ndarray]:
    """``{frame: (478, 3) landmarks}`` of up to ``count`` of the track's observed frames, spread evenly over them (the
    same whichever part of the shot a render asks for)."""
    observed = np.flatnonzero(~np.asarray(track.track.interpolated, bool))
    if len(observed) == 0:
        return {}
    rows = observed[np.unique(np.linspace(0, len(observed) - 1, min(count, len(observed))).round().astype(int))]
    return {int(track.track.frames[row]): track.landmarks[row] for row in rows}


def _local(origin: tuple[int, int], src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Full-frame landmarks moved into the coordinates of a window read at ``origin`` ``(x, y)``."""
    shift = np.array([origin[0], origin[1], 0.0], np.float32)
    return src - shift, dst - shift
