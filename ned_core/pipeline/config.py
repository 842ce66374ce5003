"""NedConfig: every stage's frozen config in one place; the CLI/node parse a job once into it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ned_core.analysis.config import AnalysisConfig
from ned_core.composite.config import CompositeConfig
from ned_core.direct.config import DirectConfig
from ned_core.face3d.config import FitConfig
from ned_core.io.c2pa_sign import C2paConfig
from ned_core.io.colour import ColourConfig
from ned_core.io.exr import PlateWriteConfig
from ned_core.models.store import StoreConfig
from ned_core.render.config import RenderConfig


def default_cache_dir() -> Path:
    """``$NED_CACHE_DIR``, else ``$XDG_CACHE_HOME/ned/analysis`` (``~/.cache/ned/analysis``)."""
    env = os.environ.get("NED_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "ned" / "analysis"


@dataclass(frozen=True)
class ShotFitConfig:
    """How tracks are fitted.

    Attributes:
        min_rest_frames: a track with fewer frames (a still, a glimpse) is fitted against the mean
            face as its rest shape, since its own rest cannot be told apart from its expression.
    """

    min_rest_frames: int = 24


@dataclass(frozen=True)
class NedConfig:
    """The whole pipeline's configuration, one frozen slice per stage."""

    colour: ColourConfig = field(default_factory=ColourConfig)
    analysis: AnalysisConfig = field(default_factory=AnalysisConfig)
    fit: FitConfig = field(default_factory=FitConfig)
    shot_fit: ShotFitConfig = field(default_factory=ShotFitConfig)
    direct: DirectConfig = field(default_factory=DirectConfig)
    render: RenderConfig = field(default_factory=RenderConfig)
    composite: CompositeConfig = field(default_factory=CompositeConfig)
    plates: PlateWriteConfig = field(default_factory=PlateWriteConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    cache_dir: Path | None = field(default_factory=default_cache_dir)  # None: no analysis cache
    device: str = "cpu"  # torch device of the learned stages ("cpu", "cuda", "cuda:1")
    batch_size: int | None = None  # items per network call of the learned stages; None = their default
    c2pa: C2paConfig = field(default_factory=C2paConfig)  # signing credentials of the preview's C2PA manifest
