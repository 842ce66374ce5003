"""Training the learned manipulator: expression datasets (built through the pipeline), windows, trainer, losses,
evaluation. Sits above ``ned_core.pipeline``; the run-time manipulator is ``ned_core.manipulation``."""

from ned_core.training.config import TrainConfig
from ned_core.training.dataset import ExpressionDataset, load_dataset, save_dataset, split_dataset
from ned_core.training.evaluate import ManipulatorEvalConfig, ManipulatorReport, evaluate_manipulator
from ned_core.training.trainer import TrainEvent, TrainResult, train_manipulator

__all__ = [
    "ManipulatorEvalConfig",
    "ExpressionDataset",
    "ManipulatorReport",
    "TrainConfig",
    "TrainEvent",
    "TrainResult",
    "evaluate_manipulator",
    "load_dataset",
    "save_dataset",
    "split_dataset",
    "train_manipulator",
]
