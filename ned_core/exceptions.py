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
