"""The four MediaPipe face models, loaded once and shared by every analysis call."""

from __future__ import annotations

from dataclasses import dataclass

from ned_core.analysis.config import AnalysisConfig
from ned_core.analysis.litert_runner import LiteRTModel
from ned_core.models import ModelStore


@dataclass(frozen=True)
class FaceMeshModels:
    """Interpreters for detection (short and full range), the 468-point mesh and the iris model.

    Build once with :meth:`load` and pass to every analysis call; not safe to share across threads.
    """

    short_range: LiteRTModel
    full_range: LiteRTModel
    mesh: LiteRTModel
    iris: LiteRTModel

    @classmethod
    def load(cls, store: ModelStore | None = None, config: AnalysisConfig | None = None) -> FaceMeshModels:
        """Load the models from the model store (raises ModelMissingError naming the fix if absent)."""
        store = store or ModelStore()
        threads = (config or AnalysisConfig()).num_threads
        return cls(
            short_range=LiteRTModel(store.path("face_detection_short_range"), threads),
            full_range=LiteRTModel(store.path("face_detection_full_range"), threads),
            mesh=LiteRTModel(store.path("face_landmark"), threads),
            iris=LiteRTModel(store.path("iris_landmark"), threads),
        )
