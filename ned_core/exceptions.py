"""Every error the pipeline raises, one class per failure, all under :class:`NedError`.

One section per stage, in pipeline order. The render node's own errors (with protocol codes) are in
``ned_node.errors``."""

from __future__ import annotations


class NedError(Exception):
    """Base class of every NED error. ``str(err)`` is a complete, actionable message."""


class ShapeError(NedError, ValueError):
    """An array argument has the wrong shape, dtype or values: "<what>: expected <expected>, got <actual>".

    Attributes:
        what: the argument, and where (e.g. ``"frame 1001: rgba"``).
        expected: what it must be (e.g. ``"(H, W, 3) float32"``).
        actual: what it was (e.g. ``(12, 3)``).
    """

    def __init__(self, what: str, expected: object, actual: object) -> None:
        super().__init__(f"{what}: expected {expected}, got {actual}")
        self.what, self.expected, self.actual = what, expected, actual

    def __reduce__(self):  # picklable across worker processes despite the three-argument constructor
        return type(self), (self.what, self.expected, self.actual)


# --- plates in (ned_core/io: plates.py and its sequence, movie and still readers; colour) -----------------------------
class PlateError(NedError):
    """A source shot (sequence, movie or still) cannot be read as asked."""


class SourceNotFoundError(PlateError, FileNotFoundError):
    """The source path or pattern matches no file."""


class UnsupportedFormatError(PlateError):
    """The file extension or pixel format is not one the plate reader supports."""


class MissingFramesError(PlateError):
    """A sequence has gaps inside the requested range."""


class FrameRangeError(PlateError):
    """The requested frame range lies (partly) outside the source."""


class FrameReadError(PlateError):
    """A single frame exists but cannot be decoded (corrupt, truncated, wrong size)."""


class ImageSizeError(PlateError):
    """An image is empty (zero size) or larger than the supported maximum."""


class PlateOptionError(PlateError, ValueError):
    """An ``open_plates`` option does not apply to this kind of source (e.g. ``start_frame`` on a sequence)."""


class SourceClosedError(PlateError):
    """A frame was requested from a plate source after it was closed."""


class ColourError(NedError):
    """An OpenColorIO config or colour space cannot be loaded or is unknown."""


# --- models (ned_core/models: manifest, store, fetch, licence opt-in) -------------------------------------------------
class ModelError(NedError):
    """Base class of model-store errors."""


class UnknownModelError(ModelError, KeyError):
    """A model name that the store does not know."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else "unknown model"


class ModelMissingError(ModelError, FileNotFoundError):
    """A known model is not on disk; the message says what it is, where to put it and its licence."""


class ModelChecksumError(ModelError):
    """A model file on disk does not match its recorded checksum."""


class LicenceOptInError(ModelError):
    """A model with non-commercial terms was requested without the explicit opt-in."""


class ModelFetchError(ModelError):
    """Obtaining a model from its package source failed."""


# --- stage 2 analysis (ned_core/analysis: detection, mesh, tracks, cache) ---------------------------------------------
class AnalysisError(NedError):
    """Base class of face-analysis errors (detection, landmarks, tracking, alignment, cache)."""


class AnalysisConfigError(AnalysisError, ValueError):
    """An AnalysisConfig field is out of range; the message names the field."""


class NoFaceTrackError(AnalysisError):
    """A shot has no face track to work on (no face found in any frame, or the asked id is absent)."""


class AnalysisCacheError(AnalysisError):
    """An analysis cache entry is unreadable or has an unknown format version."""


class NoFaceInShotError(NoFaceTrackError):
    """A shot asked to be worked on holds no face in any frame (the message names the shots' frame ranges)."""


class AnalysisFormatError(AnalysisError):
    """An exported analysis document (``analysis.json``) is unreadable or of an unknown ``NedAnalysis`` version."""


# --- stage 3 face3d (ned_core/face3d: the embedded 3D expression model and its fit) -----------------------------------
class Face3dError(NedError):
    """Base class of face-model (stage 3) errors."""


class FitConfigError(Face3dError, ValueError):
    """A ``FitConfig`` field is out of range; the message names the field."""


class TemplateError(Face3dError, ValueError):
    """The mean-face template is malformed (wrong shape, non-finite, mirrored)."""


class LandmarkInputError(Face3dError, ValueError):
    """Landmarks given to the face model have the wrong shape or hold NaN/inf (the message names the frame)."""


class ExpressionShapeError(Face3dError, ValueError):
    """An expression array does not match the fit ("expected (T, K) ... got ...")."""


# --- stage 4 direct (ned_core/direct: emotion specs, keys, schedules, the emotion prior, reference style) -------------
class DirectError(NedError):
    """Base class of emotion-direction errors."""


class DirectConfigError(DirectError, ValueError):
    """A ``DirectConfig`` field is out of range or of the wrong type; the message names the field."""


class EmotionSpecError(DirectError, ValueError):
    """An emotion spec string (``happy:0.6+surprised:0.4``) cannot be parsed."""


class UnknownEmotionError(DirectError, ValueError):
    """An emotion label that is not one of the seven; the message lists the valid ones."""


class IntensityRangeError(DirectError, ValueError):
    """An intensity or amount lies outside 0..1.5 (or is not a number); the message names the field/frame."""


class EmotionWeightError(DirectError, ValueError):
    """Blend weights are negative, or do not sum to more than zero."""


class EmotionKeysFormatError(DirectError, ValueError):
    """An emotion keys document (``EmotionKeys.1``) is unreadable, malformed or of an unknown schema."""


class KeyFrameRangeError(DirectError, ValueError):
    """An emotion key names a frame outside the shot."""


class ScheduleFrameError(DirectError, ValueError):
    """An emotion schedule was asked for frames outside its shot."""


class ScheduleTargetError(DirectError, ValueError):
    """A schedule's kind does not fit the director (labels given with a reference style, or none without)."""


class ExpressionValueError(DirectError, ValueError):
    """An expression sequence holds NaN or infinite values; the message names the frame and channel."""


class WindowFunctionError(DirectError):
    """A window function returned an array of the wrong shape or with non-finite values."""


class ReferenceTooShortError(DirectError, ValueError):
    """A reference clip has fewer consecutive frames with a face than one window (N)."""


class GeometricMedianError(DirectError):
    """Weiszfeld's iteration did not reach its tolerance within the allowed iterations."""


# --- stage 4 learned manipulator (ned_core/manipulation at run time; ned_core/training: datasets, training) -----------
class ManipulatorError(NedError):
    """Base class of learned-manipulator errors (networks, checkpoints, datasets, training)."""


class ManipulatorConfigError(ManipulatorError, ValueError):
    """A ``ManipulatorConfig``/``TrainConfig``/space field is out of range; the message names the field."""


class CheckpointFormatError(ManipulatorError):
    """A manipulator checkpoint is missing, unreadable, of an unknown format, or its weights do not fit."""


class OfficialCheckpointError(CheckpointFormatError):
    """A file given as an official NED manipulator checkpoint does not have that layout (the message says what is missing)."""


class ExpressionSpaceMismatchError(ManipulatorError, ValueError):
    """Expressions of one space (channel count/names) given to a manipulator or dataset of another."""


class DatasetFormatError(ManipulatorError):
    """An expression dataset file is missing, unreadable, of another schema, or inconsistent."""


class DatasetLayoutError(ManipulatorError):
    """`ned dataset build` cannot read the labelled-video layout (no videos, unknown label, bad annotation file)."""


class DatasetTooSmallError(ManipulatorError, ValueError):
    """A dataset has too few N-frame windows (or emotions) to train, validate or evaluate on."""


class TrainingDivergedError(ManipulatorError):
    """A training loss became NaN or infinite; the message names the iteration and the loss."""


class DistributedSetupError(ManipulatorError):
    """Multi-process training was launched but cannot start (environment, backend, device)."""


# --- stages 5-6 render and composite (ned_core/render: renderer, mesh warp, mouth retrieval; ned_core/composite) ------
class RenderError(NedError):
    """Base class of face-rendering and compositing errors."""


class TriangulationError(RenderError):
    """A warp mesh cannot be built (too few points, collinear points, bad fade parameters)."""


class RenderConfigError(RenderError, ValueError):
    """A RenderConfig field is out of range; the message names the field."""


class CompositeConfigError(RenderError, ValueError):
    """A CompositeConfig field is out of range; the message names the field."""


class OcclusionError(RenderError, ValueError):
    """The occlusion estimate got inputs it cannot use (too few reference frames, a malformed frame, landmarks or
    mask); the message names the frame or field."""


class RenderInputError(RenderError, ValueError):
    """A renderer or compositor got inputs it cannot use (frame or landmarks of the wrong shape, a face
    outside the frame, a shot context whose arrays disagree); the message names the frame and field."""


class MouthIndexError(RenderError):
    """The shot's mouth index cannot be built (frame reader failed or returned a wrong-shaped frame)."""


# --- stage 7 plates out (ned_core/io: EXR face plates, their metadata and inspection, H.264 previews) -----------------
class PlateWriteError(NedError):
    """An EXR face plate could not be written (nothing is left at the final path)."""


class PlateCompressionError(PlateWriteError, ValueError):
    """An EXR compression name or level is not one the plate writer supports (checked before writing)."""


class PlateMetadataError(NedError, ValueError):
    """Face-plate metadata is invalid: fps, timeCode, capDate, or a ``ned/`` key or value."""


class FaceBoxError(NedError, ValueError):
    """A face box is degenerate, not finite, or lies entirely outside the frame."""


class PlateInspectError(NedError):
    """A file given to ``ned plates inspect`` is not a readable EXR."""


class FacePlateFormatError(PlateInspectError):
    """An EXR is readable but is not a NED face plate (missing channels, windows or metadata)."""


class PreviewError(NedError):
    """The H.264 preview movie could not be written (the plates are unaffected)."""


# --- render jobs (ned_core/pipeline: stages 1-7 for one job) ----------------------------------------------------------
class RenderJobError(NedError):
    """A render request cannot be carried out as asked (the message names the field)."""


class JobCancelledError(NedError):
    """A render was cancelled between two frames; every plate written so far is complete."""


# --- synthetic actors (ned_core/synthetic) ----------------------------------------------------------------------------
class SyntheticActorError(NedError):
    """A synthetic actor cannot be built (no face found in the photo, bad settings)."""


# --- evaluation (ned_core/evaluate: metrics, classifier, reports) -----------------------------------------------------
class EvaluationError(NedError):
    """Base class of `ned eval` measurement and report errors."""


class MetricUndefinedError(EvaluationError, ValueError):
    """A metric has no meaning for these inputs (constant signal, empty mask, no motion); the message says why."""


class EvalResultsFormatError(EvaluationError):
    """A results JSON document is unreadable or has an unknown schema label."""


class ReportDependencyError(EvaluationError, ImportError):
    """The HTML report needs matplotlib, which is not installed."""


class EvalConfigError(EvaluationError, ValueError):
    """An evaluation config field is out of range; the message names the field."""


# --- shot evaluation (`ned eval shot`: ned_core/evaluate/shot_inputs.py, shot_eval.py) --------------------------------
class NoFaceToEvaluateError(EvaluationError):
    """`ned eval shot` found no face in the source, or none in the result matching the source's face."""


class ShotResultMissingError(EvaluationError):
    """The result folder given to `ned eval shot` is missing, holds no EXR sequence, or several."""


class ShotResultMismatchError(EvaluationError):
    """The result's plates or composites do not match the source (a frame missing, another size or frame)."""


class ShotEvalRequestError(EvaluationError):
    """`ned eval shot` options name no result, or more than one (plates, composites, render parameters)."""


# --- identity metric (`ned eval shot --identity`: ned_core/evaluate/identity_dlib.py) ---------------------------------
class IdentityModelUnavailableError(EvaluationError):
    """The identity embedder's library (dlib) is not installed: pip install ned-render-node[identity]."""


# --- confinement of inputs and outputs, one writer per folder (ned_core/io/confined.py, output_lock.py) ---
class DemuxerNotAllowedError(UnsupportedFormatError):
    """A "movie" FFmpeg opens with a demuxer that reads other files or URLs (concat lists, HLS playlists,
    image patterns); refused so that a file cannot pull in paths outside the roots it was confined to."""


class UnsafeOutputPathError(PlateWriteError):
    """A folder inside a confined output tree is a symlink (or not a folder) at the moment of a write; nothing is
    written through it."""


class OutputFolderBusyError(PlateWriteError):
    """Another render (a `ned render` run or a node job) is writing into the same output folder right now."""


class UnsafeInputPathError(PlateError):
    """An input file, at the moment it is opened, leads outside the folders a confined process may read (e.g. a
    frame replaced by a symlink after the job was accepted)."""


# --- per-unit overrides (ned_core/direct/units.py) ---
class UnitOverrideError(DirectError, ValueError):
    """A per-unit override (``--unit NAME=VALUE`` or a key's ``units``) cannot be read or its value is out
    of range; the message names the override and the accepted range."""


class UnknownUnitError(UnitOverrideError):
    """A unit override names no expression unit; the message lists the valid names."""


class UnitNotInModelError(UnitOverrideError):
    """A unit override names a unit that the face model of the chosen tier does not have."""


# --- issue 13 ---
class NoVideoStreamError(UnsupportedFormatError):
    """A movie file holds no video stream (an audio-only file, an empty container); the message lists its streams."""


class EmptyFileError(UnsupportedFormatError):
    """A source file has zero bytes."""


class UnknownCodecError(UnsupportedFormatError):
    """A movie's video stream uses a codec FFmpeg cannot decode (an unknown or unregistered fourcc)."""


# --- issue 14: render farms (ned_core/farm: job shape, task commands, OpenJD / Deadline 10 / OpenCue exports) ---
class FarmError(NedError):
    """A farm job cannot be exported or one of its tasks cannot run; the message names the option or file."""


class FarmJobError(FarmError, ValueError):
    """A farm export asks for something impossible (chunk size < 1, no analysis cache, a chunk outside the
    shot); the message names the option and the accepted values."""


class FarmAnalysisFailedError(FarmError):
    """A render task found that its shot's analysis task failed; the message carries that task's reason."""


class FarmSubmitError(FarmError):
    """Submitting an exported job failed or its engine's CLI is missing (the job files are written; the
    message says where and how to submit them by hand)."""


# --- issue 11: characters across cuts (ned_core/analysis/characters.py) ---
class NoCharacterError(NoFaceTrackError):
    """An asked character id does not exist (the message lists the ids there are)."""


class CharacterEditError(AnalysisError, ValueError):
    """A character edit file cannot be read or applied (unknown track ids, tracks that overlap in time)."""


class C2paSigningError(NedError):
    """A C2PA manifest could not be added to an output (c2pa-python missing, unreadable credentials, signing
    refused); the output itself is complete, unsigned."""
