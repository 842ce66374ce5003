"""Stage 4, direct: expression sequence -> target emotion or reference style, speech preserved."""

from ned_core.direct.config import DirectConfig
from ned_core.direct.director import Director, check_expression
from ned_core.direct.geomedian import geometric_median
from ned_core.direct.keys_file import KEYS_SCHEMA, emotion_keys_doc, load_emotion_keys, parse_emotion_keys
from ned_core.direct.labels import MAX_INTENSITY
from ned_core.direct.prior import EmotionPriorDirector
from ned_core.direct.prototypes import prototype, prototype_matrix
from ned_core.direct.reference import ReferenceStyle, ReferenceStyleDirector, extract_reference_style
from ned_core.direct.schedule import EmotionKey, EmotionSchedule, ScheduleSample
from ned_core.direct.spec import parse_emotion_spec
from ned_core.direct.windowed import apply_windowed, gaussian_window_weights

__all__ = [
    "KEYS_SCHEMA",
    "MAX_INTENSITY",
    "DirectConfig",
    "Director",
    "EmotionKey",
    "EmotionPriorDirector",
    "EmotionSchedule",
    "ReferenceStyle",
    "ReferenceStyleDirector",
    "ScheduleSample",
    "apply_windowed",
    "check_expression",
    "emotion_keys_doc",
    "extract_reference_style",
    "gaussian_window_weights",
    "geometric_median",
    "load_emotion_keys",
    "parse_emotion_keys",
    "parse_emotion_spec",
    "prototype",
    "prototype_matrix",
]
