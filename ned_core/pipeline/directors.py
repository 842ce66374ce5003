"""The emotion directors a render may name: the one list `ned render`'s --director choice, the pipeline and the
render node's capabilities read. Light to import (each director's code is imported when it is built)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `ned --help` and the CLI options import this module
    import numpy as np

    from ned_core.direct import Director
    from ned_core.direct.config import DirectConfig


@dataclass(frozen=True)
class DirectorBuild:
    """What building a director needs.

    Attributes:
        direct: direction settings.
        reference: ``(T', K)`` expression of a reference clip whose style to copy, or None.
        checkpoint: a learned manipulator checkpoint, or None.
        device: torch device of a learned director (``"cpu"``, ``"cuda:N"``).
        batch_windows: windows per batch of a learned director (0 = its default).
    """

    direct: DirectConfig
    reference: np.ndarray | None = None
    checkpoint: str | None = None
    device: str = "cpu"
    batch_windows: int = 0


@dataclass(frozen=True)
class DirectorKind:
    """One director a request may name.

    Attributes:
        name: the request's ``director`` value.
        needs_checkpoint: the director needs a manipulator checkpoint (a node offers it only with one).
        build: makes the director.
    """

    name: str
    needs_checkpoint: bool
    build: Callable[[DirectorBuild], Director]


def _prior(build: DirectorBuild) -> Director:
    from ned_core.direct import EmotionPriorDirector, ReferenceStyleDirector, extract_reference_style

    if build.reference is not None:
        return ReferenceStyleDirector(extract_reference_style(build.reference, build.direct), build.direct)
    return EmotionPriorDirector(build.direct)


def _learned(build: DirectorBuild) -> Director:
    from ned_core.manipulation import load_learned_director

    batch = {"batch_windows": build.batch_windows} if build.batch_windows else {}
    return load_learned_director(build.checkpoint, device=build.device, config=build.direct,
                                 reference=build.reference, **batch)


#: name -> director, in the order they are offered (the first is the default).
DIRECTORS: dict[str, DirectorKind] = {
    kind.name: kind for kind in (
        DirectorKind("prior", False, _prior),  # the embedded EMFACS prior, or a reference clip's style
        DirectorKind("learned", True, _learned),  # the learned manipulator
    )
}


def director_names(with_checkpoint: bool = True) -> tuple[str, ...]:
    """Names of the directors available with (or without) a manipulator checkpoint."""
    return tuple(name for name, kind in DIRECTORS.items() if with_checkpoint or not kind.needs_checkpoint)
