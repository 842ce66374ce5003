"""The learned 3D-based Emotion Manipulator (paper §3.2): networks, datasets, training, evaluation, director."""

from ned_core.manipulation.checkpoint import CHECKPOINT_FORMAT, LoadedCheckpoint, load_checkpoint, save_checkpoint
from ned_core.manipulation.config import ManipulatorConfig, TrainConfig
from ned_core.manipulation.dataset import ExpressionDataset, load_dataset, save_dataset, split_dataset
from ned_core.manipulation.director import LearnedDirector, load_learned_director, translate_sequence
from ned_core.manipulation.evaluate import EvalConfig, ManipulatorReport, evaluate_manipulator
from ned_core.manipulation.learned_style import LearnedStyle, extract_learned_style
from ned_core.manipulation.load import load_manipulator
from ned_core.manipulation.model import Manipulator, build_manipulator
from ned_core.manipulation.official_import import import_official_checkpoint, import_official_nets
from ned_core.manipulation.space import EMBEDDED_SPACE, FLAME_SPACE, ExpressionSpace
from ned_core.manipulation.trainer import TrainEvent, TrainResult, train_manipulator

__all__ = [
    "CHECKPOINT_FORMAT",
    "EMBEDDED_SPACE",
    "FLAME_SPACE",
    "EvalConfig",
    "ExpressionDataset",
    "ExpressionSpace",
    "LearnedDirector",
    "LearnedStyle",
    "LoadedCheckpoint",
    "Manipulator",
    "ManipulatorConfig",
    "ManipulatorReport",
    "TrainConfig",
    "TrainEvent",
    "TrainResult",
    "build_manipulator",
    "evaluate_manipulator",
    "extract_learned_style",
    "import_official_checkpoint",
    "import_official_nets",
    "load_checkpoint",
    "load_dataset",
    "load_learned_director",
    "load_manipulator",
    "save_checkpoint",
    "save_dataset",
    "split_dataset",
    "train_manipulator",
    "translate_sequence",
]
