"""Every error the pipeline raises, one class per failure, all under :class:`NedError`."""

from __future__ import annotations


class NedError(Exception):
    """Base class of every NED error. ``str(err)`` is a complete, actionable message."""


class ShapeError(NedError, ValueError):
    """An array argument has the wrong shape or dtype ("expected ... got ...")."""


# --- plates -------------------------------------------------------------------------------
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


class ColourError(NedError):
    """An OpenColorIO config or colour space cannot be loaded or is unknown."""


# --- plates out ---------------------------------------------------------------------------
class PlateWriteError(NedError):
    """An EXR face plate could not be written (nothing is left at the final path)."""


class PlateInspectError(NedError):
    """A file given to ``ned plates inspect`` is not a readable EXR."""


# --- models -------------------------------------------------------------------------------
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


# --- analysis -----------------------------------------------------------------------------
class AnalysisError(NedError):
    """Base class of face-analysis errors (detection, landmarks, tracking, alignment, cache)."""


class AnalysisConfigError(AnalysisError, ValueError):
    """An AnalysisConfig field is out of range; the message names the field."""


class NoFaceTrackError(AnalysisError):
    """A shot has no face track to work on (no face found in any frame, or the asked id is absent)."""


class AnalysisCacheError(AnalysisError):
    """An analysis cache entry is unreadable or has an unknown format version."""


# --- render / composite -------------------------------------------------------------------
class RenderError(NedError):
    """Base class of face-rendering and compositing errors."""


class TriangulationError(RenderError):
    """A warp mesh cannot be built (too few points, collinear points, bad fade parameters)."""


# --- EXR face plates (ned_core/io/exr*) ---------------------------------------------------
class PlateCompressionError(PlateWriteError, ValueError):
    """An EXR compression name or level is not one the plate writer supports (checked before writing)."""


class PlateMetadataError(NedError, ValueError):
    """Face-plate metadata is invalid: fps, timeCode, capDate, or a ``ned/`` key or value."""


class FaceBoxError(NedError, ValueError):
    """A face box is degenerate, not finite, or lies entirely outside the frame."""


class FacePlateFormatError(PlateInspectError):
    """An EXR is readable but is not a NED face plate (missing channels, windows or metadata)."""


# --- evaluation (ned_core/evaluate) -------------------------------------------------------
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


# --- plates in (ned_core/io/plates.py and its readers) ------------------------------------
class PlateOptionError(PlateError, ValueError):
    """An ``open_plates`` option does not apply to this kind of source (e.g. ``start_frame`` on a sequence)."""


class SourceClosedError(PlateError):
    """A frame was requested from a plate source after it was closed."""


# --- direct (ned_core/direct: emotion schedules, emotion prior, reference style) ----------
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


# --- face3d (embedded 3D expression model) and synthetic actors ----------------------------
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


class SyntheticActorError(NedError):
    """A synthetic actor cannot be built (no face found in the photo, bad settings)."""


# --- manipulation (ned_core/manipulation: the learned emotion manipulator, datasets, training) ---
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


# --- render jobs (ned_core/pipeline) ------------------------------------------------------
class RenderJobError(NedError):
    """A render request cannot be carried out as asked (the message names the field)."""


class JobCancelledError(NedError):
    """A render was cancelled between two frames; every plate written so far is complete."""


# --- render node (ned_node) ---------------------------------------------------------------
class NodeError(NedError):
    """Base class of render-node errors; ``code`` is the protocol error code a client receives.

    Attributes:
        details: structured facts sent with the error (e.g. ``{"field": "content.source.path"}``).
    """

    code = "internal_error"

    def __init__(self, message: str, details: dict | None = None):
        super().__init__(message)
        self.details = dict(details or {})


class NodeConfigError(NodeError, ValueError):
    """`ned node serve` options are invalid or inconsistent; the message names the option."""


class NodeStateError(NodeError):
    """The node's state directory or job store cannot be used (permissions, newer schema, corrupt file)."""


class JobNotFoundError(NodeError, KeyError):
    """No job with this id on the node (never submitted, or removed after its retention time)."""

    code = "job_not_found"

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else "job not found"


class QueueFullError(NodeError):
    """The node holds its maximum number of unfinished jobs; the client should retry later."""

    code = "queue_full"


class JobRequestError(NodeError, ValueError):
    """A submitted job breaks a node rule; ``details['field']`` names the offending field."""

    code = "invalid_field"


class PathNotAllowedError(JobRequestError):
    """A request path lies outside the node's configured roots once symlinks are resolved."""


class SourceCheckError(NodeError):
    """A path source fails the node's checks at submit time (no such file, frames missing)."""

    code = "source_error"


class OutputExistsError(NodeError):
    """Plates already exist where a job would write them and the job did not ask to overwrite."""

    code = "output_error"


class NotAvailableError(NodeError):
    """A job asks for a tier, director, renderer or face selection this node does not provide."""

    code = "not_available"


class InlineFrameError(NodeError):
    """An inline frame does not match the job's declared source (shape, dtype, frame number)."""

    code = "buffer_mismatch"


class FramesIncompleteError(NodeError):
    """An inline job's last chunk arrived, or its upload timed out, with frames still missing."""

    code = "frames_incomplete"


class WorkerCrashError(NodeError):
    """A worker process died running a job more often than the node's retry limit."""


class GpuOutOfMemoryError(NodeError):
    """A job ran out of GPU memory even at the smallest batch size."""

    code = "render_failed"


class KeyManagementError(NodeError):
    """`ned node keys` cannot create, list or revoke a key (name taken, unknown, bad folder)."""

    code = "bad_key_file"


class PreviewError(NedError):
    """The H.264 preview movie could not be written (the plates are unaffected)."""


# --- render stage 5 (ned_core/render: renderer interface, mesh warp, mouth retrieval) and composite stage 6 ---
class RenderConfigError(RenderError, ValueError):
    """A RenderConfig field is out of range; the message names the field."""


class CompositeConfigError(RenderError, ValueError):
    """A CompositeConfig field is out of range; the message names the field."""


class RenderInputError(RenderError, ValueError):
    """A renderer or compositor got inputs it cannot use (frame or landmarks of the wrong shape, a face
    outside the frame, a shot context whose arrays disagree); the message names the frame and field."""


class MouthIndexError(RenderError):
    """The shot's mouth index cannot be built (frame reader failed or returned a wrong-shaped frame)."""


# --- shot evaluation (`ned eval shot`: ned_core/evaluate/shot_inputs.py, shot_eval.py) ---
class NoFaceToEvaluateError(EvaluationError):
    """`ned eval shot` found no face in the source, or none in the result matching the source's face."""


class ShotResultMissingError(EvaluationError):
    """The result folder given to `ned eval shot` is missing, holds no EXR sequence, or several."""


class ShotResultMismatchError(EvaluationError):
    """The result's plates or composites do not match the source (a frame missing, another size or frame)."""


class ShotEvalRequestError(EvaluationError):
    """`ned eval shot` options name no result, or more than one (plates, composites, render parameters)."""


# --- identity metric (`ned eval shot --identity`: ned_core/evaluate/identity_dlib.py) ---
class IdentityModelUnavailableError(EvaluationError):
    """The identity embedder's library (dlib) is not installed: pip install ned-render-node[identity]."""


# --- issue 12 ---
class UnitOverrideError(DirectError, ValueError):
    """A per-unit override (``--unit NAME=VALUE`` or a key's ``units``) cannot be read or its value is out
    of range; the message names the override and the accepted range."""


class UnknownUnitError(UnitOverrideError):
    """A unit override names no expression unit; the message lists the valid names."""


class UnitNotInModelError(UnitOverrideError):
    """A unit override names a unit that the face model of the chosen tier does not have."""
