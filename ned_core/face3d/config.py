"""The face3d stage's configuration: one frozen dataclass, passed in, never mutated."""

from __future__ import annotations

from dataclasses import dataclass

from ned_core.exceptions import FitConfigError
from ned_core.face3d.channels import CHANNEL_INDEX

# Units that MediaPipe's mesh moves much like jaw opening or a smile (it opens the chin with the
# lips and thins the lips as the corners pull): they need more evidence than the rest.
DEFAULT_CHANNEL_PRIORS: tuple[tuple[str, float], ...] = (
    ("lips_part", 2.0),
    ("chin_raise", 2.0),
    ("lip_press", 2.0),
    ("lip_tighten", 2.0),
)


@dataclass(frozen=True)
class FitConfig:
    """Every knob of the embedded expression fit.

    Penalties are relative to each channel's own energy (its diagonal entry of the normal matrix
    ``D^T W D``): an L2 weight ``w`` shrinks an activation that nothing else explains to
    ``1 / (1 + w)`` of its value, whatever the size of the unit's field.

    Attributes:
        z_weight: weight of the depth coordinate against x/y in the expression fit (MediaPipe's
            depth is noisier than its image-plane position); 0 fits x/y only.
        ridge: L2 penalty on every channel (keeps near-collinear units from trading off).
        channel_priors: ``(channel name, L2 penalty)`` pairs replacing ``ridge`` for those
            channels: units MediaPipe's mesh barely tells apart from jaw opening or a smile
            (lips part, chin raise, lip press, lip tighten) take only what jaw and smile
            cannot explain, so the speech channel keeps the mouth opening.
        min_activation: lower bound of every channel (0 = the actor's rest face).
        max_activation: upper bound of every channel (1 = a full, typical activation).
        rest_sparsity: L1 weight used while estimating the rest shape, relative to the mean channel
            energy (so small units need more evidence than jaw or smile to move the rest): the
            rest is placed where the shot's activations are non-negative and as small as
            possible (see ``rest.py``).
        rest_iterations: projected-gradient iterations of the rest estimate.
        outlier_mads: a frame whose pose-normalised shape is further than median + this many
            (scaled) median absolute deviations from the shot's median shape is left out of the
            rest estimate (tracking glitches); it is still fitted.
        rigid_threshold: a vertex is used for head pose when no action unit moves it by more than
            this (inter-ocular distances at unit activation).
        scale_smoothing: Gaussian sigma, in frames, applied to the head's scale over the track
            (0 = off). The face's size on screen changes slowly (distance, zoom) while
            MediaPipe's mesh grows about 3 % when the mouth opens; smoothing keeps that out of
            the pose, where it would shrink every expression.
        pose_passes: alternations of pose (Procrustes on the rigid vertices) and rest estimate.
        solver_max_iter: iteration cap of the per-frame active-set solver (frames that do not
            settle are finished by projected gradient).
        read_held_expression: read an expression held through the whole shot (a smile, a worried
            brow) against the mean face instead of leaving it in the estimated rest shape, so the
            director can undo it (``rest.release_held_expression``); False keeps the shot's
            least-activated face as the rest.
        held_expression_floor: activation a held unit must exceed to be read as expression (the
            excess is); below it a unit-like trait of the actor's face (a low brow) stays in the rest.
    """

    z_weight: float = 0.5
    ridge: float = 1e-3
    channel_priors: tuple[tuple[str, float], ...] = DEFAULT_CHANNEL_PRIORS
    min_activation: float = 0.0
    max_activation: float = 1.5
    rest_sparsity: float = 2e-2
    rest_iterations: int = 300
    outlier_mads: float = 5.0
    rigid_threshold: float = 0.01
    scale_smoothing: float = 4.0
    pose_passes: int = 2
    solver_max_iter: int = 30
    read_held_expression: bool = True
    held_expression_floor: float = 0.15

    def __post_init__(self) -> None:
        if not 0.0 <= self.z_weight <= 1.0:
            raise FitConfigError(f"FitConfig.z_weight must be in 0..1, got {self.z_weight}")
        if self.ridge < 0 or self.rest_sparsity < 0 or self.scale_smoothing < 0:
            raise FitConfigError(
                "FitConfig.ridge, rest_sparsity and scale_smoothing must be >= 0, got "
                f"{self.ridge}, {self.rest_sparsity}, {self.scale_smoothing}"
            )
        for name, weight in self.channel_priors:
            if name not in CHANNEL_INDEX or not weight >= 0:
                raise FitConfigError(
                    f"FitConfig.channel_priors: expected (channel name, weight >= 0), got ({name!r}, {weight})"
                )
        if not self.min_activation < self.max_activation:
            raise FitConfigError(
                "FitConfig.min_activation must be below max_activation, "
                f"got {self.min_activation} >= {self.max_activation}"
            )
        if self.rest_iterations < 1 or self.pose_passes < 1 or self.solver_max_iter < 1:
            raise FitConfigError(
                "FitConfig.rest_iterations, pose_passes and solver_max_iter must be >= 1, got "
                f"{self.rest_iterations}, {self.pose_passes}, {self.solver_max_iter}"
            )
        if not 0.0 <= self.held_expression_floor <= self.max_activation:
            raise FitConfigError(f"FitConfig.held_expression_floor must be in 0..max_activation, "
                                 f"got {self.held_expression_floor}")
        if self.rigid_threshold <= 0 or self.outlier_mads <= 0:
            raise FitConfigError(
                "FitConfig.rigid_threshold and outlier_mads must be > 0, got "
                f"{self.rigid_threshold}, {self.outlier_mads}"
            )
