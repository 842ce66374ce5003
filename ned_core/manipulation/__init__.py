"""The learned 3D-based Emotion Manipulator at run time (paper §3.2): networks, expression spaces, checkpoints,
the learned director. Training it is ``ned_core.training``."""

from ned_core.manipulation.checkpoint import CHECKPOINT_FORMAT, LoadedCheckpoint, load_checkpoint, save_checkpoint
from ned_core.manipulation.config import ManipulatorConfig
from ned_core.manipulation.director import LearnedDirector, load_learned_director, translate_sequence
from ned_core.manipulation.learned_style import LearnedStyle, extract_learned_style
from ned_core.manipulation.load import load_manipulator
from ned_core.manipulation.model import Manipulator, build_manipulator
from ned_core.manipulation.official_import import import_official_checkpoint, import_official_nets
from ned_core.manipulation.space import EMBEDDED_SPACE, FLAME_SPACE, ExpressionSpace

__all__ = [
    "CHECKPOINT_FORMAT",
    "EMBEDDED_SPACE",
    "FLAME_SPACE",
    "ExpressionSpace",
    "LearnedDirector",
    "LearnedStyle",
    "LoadedCheckpoint",
    "Manipulator",
    "ManipulatorConfig",
    "build_manipulator",
    "extract_learned_style",
    "import_official_checkpoint",
    "import_official_nets",
    "load_checkpoint",
    "load_learned_director",
    "load_manipulator",
    "save_checkpoint",
    "translate_sequence",
]
