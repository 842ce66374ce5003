"""A whole render job: plates -> analysis -> fit -> direct -> render -> composite -> EXR plates (+ preview)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import numpy as np

from ned_core import __version__
from ned_core.analysis import FaceMeshModels
from ned_core.exceptions import NoCharacterError, NoFaceTrackError, PlateMetadataError, PlateWriteError, RenderJobError
from ned_core.face3d.embedded import EmbeddedFaceModel
from ned_core.composite import merge_over
from ned_core.composite.faces import merge_face_plates
from ned_core.io.atomic import StagedFile
from ned_core.io.exr import (
    FacePlate,
    PlateMetadata,
    empty_plate,
    plate_as_written,
    publish,
    read_face_plate,
    stage_face_plate,
    stage_frame_exr,
)
from ned_core.io.exr_timecode import timecode_at
from ned_core.io.plate_source import Frame, PlateInfo, PlateSource, frame_list, union_box
from ned_core.io.plates import open_plates
from ned_core.io.preview import PreviewWriter, audio_span
from ned_core.io.provenance import SYNTHETIC_KEY, comments
from ned_core.models import ModelStore
from ned_core.render import RenderedFace
from ned_core.pipeline.analyze import analyze_and_fit
from ned_core.pipeline.blas_threads import one_blas_thread
from ned_core.pipeline.characters import ChosenFaces, default_faces, source_characters
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.directing import (
    build_schedule,
    check_schedule_units,
    direct_track,
    emotion_metadata,
    make_director,
)
from ned_core.pipeline.frame_loop import FrameLoop
from ned_core.pipeline.frame_render import FrameRenderer, render_window, window_growth
from ned_core.pipeline.heap import release_free_heap
from ned_core.pipeline.naming import plate_path
from ned_core.pipeline.optional_outputs import GuardedPreview, OptionalOutputs
from ned_core.pipeline.preview_frame import PreviewFrames, PreviewPixels
from ned_core.pipeline.request import ALL_FACES, FrameResult, RenderRequest, RenderSummary
from ned_core.pipeline.targets import target_landmarks
from ned_core.progress import ProgressCallback, StageTimer
from ned_core.source_digest import source_digest

log = logging.getLogger(__name__)

DEFAULT_FPS = Fraction(24)
_ANALYSIS_MODELS = ("face_detection_short_range", "face_detection_full_range", "face_landmark", "iris_landmark")


def _job_params(info: PlateInfo, store: ModelStore, track: int | str | None,
                colourspace: str, job_id: str | None) -> dict[str, str]:
    """Parameters common to every plate of the job (written as ``ned/<key>``; per-frame ones added later)."""
    params = {
        "version": __version__,
        "code": source_digest(),  # the sources' digest: a fix changes it, the version may not
        "source": info.path,
        "source_kind": info.kind,
        "track": "" if track is None else str(track),
        "tier": "embedded",
        "renderer": "mesh_warp",
        "noncommercial_models": "none",
        "colourspace": colourspace,
        SYNTHETIC_KEY: 1,
    }
    if job_id is not None:
        params["job"] = job_id
    if info.field_order is not None:
        params["field_order"] = info.field_order  # interlaced sources are rendered as stored, never deinterlaced
    if info.variable_rate:
        params["variable_rate"] = f"frames numbered from timestamps at {info.fps} fps"
    for name in _ANALYSIS_MODELS:
        params[f"model/{name}"] = store.checksum(name)
    return params


def _timecode(info: PlateInfo, frame: int, fps: Fraction) -> str | None:
    if info.timecode is None:
        return None
    try:
        return timecode_at(info.timecode, frame - info.frames[0], fps)
    except PlateMetadataError:
        return None


@dataclass(frozen=True)
class _Loaded:
    """What the reader thread decoded for one frame."""

    whole: Frame | None  # the whole frame, when composites need it
    windows: dict[int, Frame]  # track id -> the face window its render reads; empty without a face, and emptied
    # once the frame's plate is composited (see render_shot's write)
    shown: PreviewPixels | None = None  # what the frame's preview is made from, with --preview


@dataclass(frozen=True)
class _Written:
    """One frame's files, complete on disk under temporary names until reported, and the plate as written (read
    back when asked)."""

    path: Path
    plate: FacePlate
    has_face: bool
    staged: StagedFile
    composite: StagedFile | None

    def discard(self) -> None:
        """Remove the frame's files that were not published."""
        self.staged.discard()
        if self.composite is not None:
            self.composite.discard()


class _Emitter:
    """Writes a frame's plate (+ composite) under temporary names (any thread), then publishes (renames) and
    reports them in frame order on one thread: a plate is at its final path only once it is reported, so a
    worker killed in between leaves nothing a retry of the job would take for someone else's plate."""

    def __init__(self, request: RenderRequest, info: PlateInfo, config: NedConfig, params: dict[str, str],
                 on_frame: Callable[[FrameResult], None] | None, timer: StageTimer, outputs: OptionalOutputs,
                 frame_params: dict[int, dict[str, float]] | None = None):
        self.request, self.info, self.config, self.params = request, info, config, params
        #: frame -> params of that frame only (``bridge_opacity/<track>``, ``mix_share/<track>``)
        self.frame_params = frame_params or {}
        self.outputs = outputs
        self.fps = info.fps or DEFAULT_FPS
        self.on_frame, self.timer = on_frame, timer
        self.plates: list[Path] = []
        self.no_face: list[int] = []
        self.composites: list[Path] = []

    def _meta(self, frame: int, has_face: bool, comments: str, params: dict[str, float]) -> PlateMetadata:
        return PlateMetadata(fps=self.fps, timecode=_timecode(self.info, frame, self.fps), comments=comments,
                             params={**self.params, **self.frame_params.get(frame, {}), **params,
                                     "source_frame": frame, "has_face": int(has_face)})

    def write(self, frame: Frame | None, plate: FacePlate, has_face: bool, read_back: bool,
              params: dict[str, float] | None = None) -> _Written:
        """Write one frame's plate (and its composite) to temporary files; touches no shared state (runs on a
        writer thread). ``params``: more of this frame's own metadata (``occlusion/<track>``).

        With ``read_back`` the plate is read back from its file, so composites and previews show exactly
        what a compositor merging the (lossy DWA) plate file gets.
        """
        layers = " + track<id>.RGBA per face" if plate.faces else ""
        meta = self._meta(plate.frame, has_face, comments(f"NED face plate (premultiplied RGBA + facemask.A{layers})"),
                          params or {})
        plate = plate_as_written(plate, self.config.plates)
        staged = stage_face_plate(plate_path(self.request, self.info, plate.frame), plate, meta, self.config.plates,
                                  as_written=True)
        comp = None
        try:
            written = read_face_plate(staged.path)[0] if read_back else plate
            if self.request.composite and self.outputs.ok("composite"):
                comp = self._stage_composite(frame, written, has_face, params or {})
        except BaseException:
            staged.discard()
            raise
        return _Written(staged.final, written, has_face, staged, comp)

    def _stage_composite(self, frame: Frame, written: FacePlate, has_face: bool,
                         params: dict[str, float]) -> StagedFile | None:
        path = plate_path(self.request, self.info, written.frame, kind="comp")
        rgb = merge_over(frame.rgb, written) if has_face else frame.rgb
        meta = self._meta(written.frame, has_face, comments("NED composite (face plate merged over the source)"),
                          params)
        try:
            return stage_frame_exr(path, written.frame, rgb, frame.alpha, meta, "zip")
        except PlateWriteError as e:  # composites stop here; the ones before it are complete
            self.outputs.fail("composite", f"stopped at frame {written.frame}: {e}")
            return None

    def report(self, done: _Written) -> None:
        """Publish a finished frame's files, record them and tell the caller (calling thread, frame order).

        Raises:
            PlateWriteError: the plate could not be renamed into place (nothing of the frame is left).
        """
        publish(done.staged, done.plate.frame)
        self.plates.append(done.path)
        if done.composite is not None and not self.outputs.ok("composite"):  # stopped at an earlier frame
            done.composite.discard()
        elif done.composite is not None:
            try:
                self.composites.append(publish(done.composite, done.plate.frame))
            except PlateWriteError as e:
                self.outputs.fail("composite", f"stopped at frame {done.plate.frame}: {e}")
        if not done.has_face:
            self.no_face.append(done.plate.frame)
        if self.on_frame is not None:
            self.on_frame(FrameResult(done.plate.frame, done.path, done.has_face, done.plate.data_window))
        self.timer.step()


def check_face_choice(request: RenderRequest) -> None:
    """``track`` and ``character`` are each None, an id or ``"all"``, not both given; raises RenderJobError."""
    for name in ("track", "character"):
        value = getattr(request, name)
        if value is not None and value != ALL_FACES and (not isinstance(value, int) or isinstance(value, bool)):
            raise RenderJobError(f"{name} {value!r}: expected a face {name} id or {ALL_FACES!r}")
    if request.track is not None and request.character is not None:
        raise RenderJobError(f"give a track ({request.track!r}) or a character ({request.character!r}), not both")


def _tracks(shot, request: RenderRequest, source: PlateSource, config: NedConfig,
            models: FaceMeshModels) -> ChosenFaces:
    """The tracks to edit: every track for ``"all"``, a character's tracks, the asked one, else the default faces
    (:func:`~ned_core.pipeline.characters.default_faces`: on a range of several shots, the main face's character).

    Raises:
        NoFaceTrackError: an id was asked for and the frames hold no face at all.
        NoFaceInShotError: the frames hold no face at all (the message names the shots' frame ranges).
    """
    if not shot.analysis.tracks:
        asked = [f"{name} {value}" for name, value in (("track", request.track), ("character", request.character))
                 if isinstance(value, int)]
        if asked:
            raise NoFaceTrackError(f"no {asked[0]}: no face found in frames "
                                   f"{frame_list(tuple(shot.analysis.frames.tolist()))} of {request.source}")
        shot.analysis.require_faces()
    if ALL_FACES in (request.track, request.character):
        return ChosenFaces(tuple(shot.analysis.tracks), None, None)
    if request.character is not None:
        found, _, _ = source_characters(source, config, models, request.character_edits, required=True,
                                        analysis=shot.analysis, source_hash=shot.source_hash)
        ids = found.characters.character(request.character).track_ids  # ids of the whole source's analysis
        here = [t for t in shot.analysis.tracks if t.track.track_id in ids]
        if not here:
            raise NoCharacterError(f"character {request.character} (tracks {list(ids)}) is not in frames "
                                   f"{frame_list(tuple(shot.analysis.frames.tolist()))} of {request.source}")
        return ChosenFaces(tuple(here), request.character, None)
    if request.track is not None:
        return ChosenFaces((shot.analysis.track(request.track),), None, None)
    return default_faces(source, config, models, shot.analysis, request.character_edits, shot.source_hash)


@dataclass(frozen=True)
class _Face:
    """One edited face: its renderer and, per frame, its source and target landmarks."""

    track_id: int
    renderer: FrameRenderer
    targets: dict[int, tuple[np.ndarray, np.ndarray]]


@one_blas_thread()  # OpenBLAS's idle workers would spin on the cores the render needs (see blas_threads)
def render_shot(request: RenderRequest, config: NedConfig, *, progress: ProgressCallback | None = None,
                on_frame: Callable[[FrameResult], None] | None = None,
                should_cancel: Callable[[], bool] | None = None,
                skip_frames: frozenset[int] = frozenset(), models: FaceMeshModels | None = None,
                batch_size: int | None = None) -> RenderSummary:
    """Render one job end to end.

    Args:
        request: what to render (see :class:`RenderRequest`).
        config: every stage's settings.
        progress: receives ProgressEvents per stage (analysis, fit, render).
        on_frame: called after each plate is complete on disk, in frame order.
        should_cancel: polled between frames; True stops the job with JobCancelledError.
        skip_frames: frames not to write (a resume, or the rest of the shot for a farm chunk): neither written
            nor reported; the plates written equal those of a run of the whole shot.
        models: loaded face-analysis models to reuse (a node keeps them resident).
        batch_size: items per network call of the learned stages (the node lowers it after a GPU
            out-of-memory error); None keeps ``config.batch_size``.

    Returns:
        What was written.

    Raises:
        NedError subclasses naming the field/file/frame: bad request, unreadable source, unknown track,
        cancelled (JobCancelledError; every plate written before is complete).
    """
    check_face_choice(request)
    started, cpu_started = time.perf_counter(), time.process_time()
    if batch_size is not None:
        config = replace(config, batch_size=batch_size)
    store = ModelStore(config.store)
    timings: dict[str, float] = {}
    warnings: list[str] = []
    with open_plates(request.source, frames=request.frames, colour=config.colour,
                     start_frame=request.start_frame) as source:
        info = source.info
        first, last = info.frames[0], info.frames[-1]
        schedule = build_schedule(request, first, last, config)  # bad emotion specs fail before any work
        models = models or FaceMeshModels.load(store, config.analysis)
        face_model = EmbeddedFaceModel.from_mean_face(config.fit)
        check_schedule_units(schedule, face_model.channel_names, "embedded")
        director = make_director(request, config, models)
        shot = analyze_and_fit(source, config, models=models, model=face_model, progress=progress)
        release_free_heap()  # what the analysis freed; the render's threads would not reuse most of it
        timings["analysis+fit"] = time.perf_counter() - started
        timings["cpu:analysis+fit"] = time.process_time() - cpu_started
        cpu_setup = time.process_time()
        chosen = _tracks(shot, request, source, config, models)
        tracks = chosen.tracks
        warnings += [chosen.note] if chosen.note else []
        layered = ALL_FACES in (request.track, request.character)  # a layer per face, even when the range holds one
        ids = tuple(int(t.track.track_id) for t in tracks)
        params = {**_job_params(info, store, ALL_FACES if layered else (ids[0] if len(ids) == 1 else None),
                                source.colour.working_space, request.job_id),
                  **emotion_metadata(request, schedule, director)}
        if layered or len(ids) > 1:
            params["tracks"] = ",".join(map(str, ids))
        character = request.character if request.character is not None else chosen.character
        if character is not None:
            params["character"] = str(character)
        # skipped frames up to the last one written are stepped over (read nothing, write nothing) so the
        # renderer's frame-to-frame state matches a run of the whole shot: plates of a part equal the whole's
        replay = frozenset() if request.preview else skip_frames
        to_write = [n for n in info.frames if n not in replay]
        numbers = [n for n in info.frames if to_write and n <= to_write[-1]]  # the frames the loop goes through
        targets = []
        for track in tracks:
            fit = shot.fits[track.track.track_id]
            directed = direct_track(director, schedule, track.track.frames, fit, request.seed)
            dst = target_landmarks(face_model, fit, directed, track.landmarks, config.render.mouth_open)
            targets.append({int(f): (track.landmarks[i], dst[i]) for i, f in enumerate(track.track.frames)})
        # the frame loop's windows, planned before the renderers' set-up decodes the movie (its mouth patches): a
        # movie keeps them as it goes, so the loop does not decode those frames again
        source.expect_windows(loop_windows(window_growth(config), targets, frozenset(to_write)))
        faces = [_Face(int(track.track.track_id), FrameRenderer(config, source, track), frame_targets)
                 for track, frame_targets in zip(tracks, targets)]
        # a cutaway without a face inside a range with faces is normal editorial: transparent plates, said once
        warnings += [f"no face in shot {s} (frames {a}-{b}): transparent plates"
                     for s, a, b in shot.analysis.faceless_shots()]
        timer = StageTimer("render", len(info.frames), progress, already=len(skip_frames & set(info.frames)))
        outputs = OptionalOutputs()
        params["bridge_fade"] = config.composite.bridge_fade
        params["bridged_painted"] = config.composite.painted_gaps()
        occlusion = config.composite.occlusion
        params["occlusion_mask"] = ("off" if occlusion is None else
                                    ",".join(f"{k}={v}" for k, v in vars(occlusion).items()))
        emitter = _Emitter(request, info, config, params, on_frame, timer, outputs, _per_frame_params(faces))
        preview = (GuardedPreview(lambda: _open_preview(request, source), outputs, config.c2pa)
                   if request.preview else None)
        previews = PreviewFrames(source) if preview is not None else None
        timings["cpu:set-up"] = time.process_time() - cpu_setup  # faces chosen, directed; renderers prepared
        t_render, cpu_render = time.perf_counter(), time.process_time()
        read_back = request.preview or request.composite  # outputs that show the plate as written

        def load(number: int) -> _Loaded:
            """Each face's window (what its render sees), the whole frame for composites, and the preview's pixels."""
            if number in replay:
                return _Loaded(None, {})
            full = source.read(number) if request.composite else None
            shown = previews.read(number, full) if previews is not None else None
            windows = {}
            for face in faces:
                if number in face.targets:
                    # read on its own even when the whole frame is: a movie converts a window from its own YUV
                    # planes, a little differently from the whole frame's swscale, so that plates never depend on
                    # --preview/--composite
                    windows[face.track_id] = source.read(number, face.renderer.window(*face.targets[number]))
            return _Loaded(full, windows, shown)  # no window: a transparent plate needs no pixels

        def render(number: int, loaded: _Loaded) -> FacePlate | dict[int, RenderedFace] | None:
            """The warps (in frame order, this thread); the composites run on the writer thread."""
            if number in replay:
                for f in faces:
                    if number in f.targets:
                        f.renderer.advance(number, *f.targets[number])
                return None
            if not loaded.windows:
                return empty_plate(number, (info.width, info.height))
            return {f.track_id: f.renderer.warp(loaded.windows[f.track_id], *f.targets[number])
                    for f in faces if f.track_id in loaded.windows}

        def composite(number: int, loaded: _Loaded, rendered: dict[int, RenderedFace]) -> FacePlate:
            plates = {f.track_id: f.renderer.plate(loaded.windows[f.track_id], rendered[f.track_id],
                                                   *f.targets[number])
                      for f in faces if f.track_id in rendered}
            if len(plates) == 1 and not layered:
                return next(iter(plates.values()))
            merged = merge_face_plates(plates)
            return merged if layered else replace(merged, faces={})

        def write(number: int, loaded: _Loaded,
                  rendered: FacePlate | dict[int, RenderedFace] | None) -> _Written | FacePlate | None:
            if rendered is None:  # a replayed frame before the part: nothing to write
                return None
            has_face = bool(loaded.windows)
            plate = rendered if isinstance(rendered, FacePlate) else composite(number, loaded, rendered)
            # the windows are done with once composited: let them go while the plate is written and waits to be
            # reported (a 4K close-up's is ~31 MB; two or three frames were held at once for nothing)
            loaded.windows.clear()
            if number in skip_frames:  # rendered again only for the preview
                return plate
            return emitter.write(loaded.whole, plate, has_face, read_back=read_back,
                                 params={f"occlusion/{f.track_id}": round(f.renderer.occluded[number], 4)
                                         for f in faces if number in f.renderer.occluded})

        def report(number: int, loaded: _Loaded, done: _Written | FacePlate) -> None:
            plate = done
            if isinstance(done, _Written):
                emitter.report(done)
                plate = done.plate
            if preview is not None:
                preview.add(lambda: previews.frame(loaded.shown, plate))

        def discard(number: int, loaded: _Loaded, done: _Written | FacePlate | None) -> None:
            if isinstance(done, _Written):
                done.discard()

        loop = FrameLoop(load, render, write, report, discard=discard)
        try:
            loop.run(numbers, should_cancel)
        except BaseException:
            if preview is not None:
                preview.discard()
            raise
        timings["render+write"] = time.perf_counter() - t_render
        timings["cpu:render+write"] = time.process_time() - cpu_render  # every thread, the libraries' own too
        timings.update({f"cpu:{stage}": seconds for stage, seconds in loop.cpu.items()})  # each on its own threads
        preview_path = preview.close() if preview is not None else None
        mouth_flags = sorted({n for f in faces for n in f.renderer.synthesised_mouth_frames})
        warnings += source.media_warnings() + (preview.media_warnings if preview is not None else [])
    if mouth_flags:
        warnings.append(f"{len(mouth_flags)} frames open the mouth wider than any frame of the shot; their mouth "
                        f"interior is synthesised (frames {mouth_flags[0]}..{mouth_flags[-1]})")
    if emitter.no_face and faces:
        warnings.append(f"{len(emitter.no_face)} frames without {'any' if layered else 'the'} face: "
                        "transparent plates")
    warnings += outputs.warnings(len(emitter.plates))
    for w in warnings:
        log.warning(w)
    timings["total"] = time.perf_counter() - started
    timings["cpu:total"] = time.process_time() - cpu_started
    return RenderSummary(plates=tuple(emitter.plates), frames=tuple(info.frames), no_face_frames=tuple(emitter.no_face),
                         track=ids[0] if len(ids) == 1 and not layered else None, preview=preview_path,
                         composite=tuple(emitter.composites), warnings=tuple(warnings), timings=timings,
                         tracks=ids, failed_outputs=tuple(outputs.failed))


def loop_windows(growth: float, targets: list[dict[int, tuple[np.ndarray, np.ndarray]]],
                 rendered: frozenset[int]) -> dict[int, tuple[int, int, int, int]]:
    """``{frame: (x0, y0, x1, y1)}``: the box around every face window (:func:`render_window`) the frame loop reads
    of the ``rendered`` frames, from each face's ``{frame: (source, target) landmarks}``."""
    windows: dict[int, tuple[int, int, int, int]] = {}
    for face in targets:
        for number, (src, dst) in face.items():
            if number not in rendered:
                continue
            box = render_window(growth, src, dst)
            windows[number] = union_box(windows.get(number, box), box)
    return windows


def _per_frame_params(faces: list[_Face]) -> dict[int, dict[str, float]]:
    """Per frame, ``bridge_opacity/<track id>``: the opacity each face's plate got near a bridged gap (only frames
    where it is below 1; see ``composite.bridge``), and ``mix_share/<track id>``: the face's picture's share of a
    dissolve's mix, the plate's opacity there (only frames inside one; ``FaceTrack.mix_share``)."""
    out: dict[int, dict[str, float]] = {}
    for face in faces:
        for number, opacity in face.renderer.opacity.items():
            out.setdefault(number, {})[f"bridge_opacity/{face.track_id}"] = round(opacity, 4)
        for number, share in face.renderer.mix_share.items():
            out.setdefault(number, {})[f"mix_share/{face.track_id}"] = round(share, 4)
    return out


def _open_preview(request: RenderRequest, source: PlateSource) -> PreviewWriter:
    info = source.info
    movie, span = audio_span(source, request.start_frame or 0)
    path = Path(request.out_dir) / f"{Path(info.path).stem.split('.')[0]}.ned.preview.mp4"
    return PreviewWriter(path, (info.width, info.height), info.fps or DEFAULT_FPS, movie, span)
