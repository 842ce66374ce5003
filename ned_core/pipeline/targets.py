"""Target landmarks of a track: the fit re-posed with the directed expression, iris carried with the eyes."""

from __future__ import annotations

import numpy as np

from ned_core.analysis.types import NUM_MESH
from ned_core.face3d.channels import CHANNEL_INDEX
from ned_core.face3d.embedded import EmbeddedFaceModel
from ned_core.face3d.knit import knit_offsets
from ned_core.face3d.lid_droop import droop_offsets
from ned_core.face3d.lips import close_unexplained_opening, keep_lips_apart, sealed, silence
from ned_core.face3d.types import FitResult
from ned_core.render.config import RenderConfig
from ned_core.render.lip_floor import keep_lip_height
from ned_core.render.mouth_level import CORNERS, FULL_REMOVAL, UPPER_LIP_TOP, level_corners
from ned_core.render.mouth_stretch import FULL_STRETCH, stretch_corners
from ned_core.render.smile_part import part_smile, shows_interior
from ned_core.render.unfold import ease_folds

_SMILE = [CHANNEL_INDEX["lip_corner_pull_L"], CHANNEL_INDEX["lip_corner_pull_R"]]
_SPEECH = [CHANNEL_INDEX["jaw_open"], CHANNEL_INDEX["lips_part"]]
_STRETCH = [CHANNEL_INDEX["lip_stretch_L"], CHANNEL_INDEX["lip_stretch_R"]]
# units that raise the upper lip's centre, not its corners (AU10, AU9): the lips part from above only
_LIFT = [CHANNEL_INDEX["upper_lip_raise"], CHANNEL_INDEX["nose_wrinkle"]]
_UPPER_LIP_INNER = 13  # the upper lip's middle, inner edge
# eye corners that carry each iris (MediaPipe indices): subject's right eye 33/133, left eye 362/263
_IRIS_CARRIERS = ((slice(468, 473), (33, 133)), (slice(473, 478), (362, 263)))


def target_landmarks(model: EmbeddedFaceModel, fit: FitResult, expression: np.ndarray,
                     source: np.ndarray, mouth_open: float = RenderConfig.mouth_open) -> np.ndarray:
    """Where every landmark of the track goes under the edited expression.

    Args:
        model: the face model that made ``fit``.
        fit: the track's fit (pose, rest shape, unexplained detail).
        expression: ``(T, K)`` directed expression.
        source: ``(T, 478, 3)`` the track's (smoothed) observed landmarks.
        mouth_open: the inner-lip area (IOD^2) from which a frame's interior is retrieved
            (``RenderConfig.mouth_open``): a smile the edit adds parts the lips over the teeth only in a track that
            shows its interior somewhere (:mod:`~ned_core.render.smile_part`).

    Returns:
        ``(T, 478, 3) float32``: the mesh reconstructed with the fit's unexplained detail (so an unedited
        expression returns ``source`` exactly) and the brows knit as the edit adds brow lowering (drawn together
        by all of it, down by what no inner-brow raise offsets: :func:`~ned_core.face3d.knit.knit_offsets`) and
        the upper lids droop as far as it
        adds the sad brow (:func:`~ned_core.face3d.lid_droop.droop_offsets`), its unexplained lip opening closed as
        far as the edit closes the model's, all of its held part where the edit takes the smile away (see
        :func:`~ned_core.face3d.lips.close_unexplained_opening`: lips meet over the teeth of a smile made sad; judged without the target's upper-lip lift, which then parts the
        closed lips from above: a smile made disgusted shows the upper teeth under a raised centre, not the smile's
        opening) and never pushed through each other (lip press on closed lips, see
        :func:`~ned_core.face3d.lips.keep_lips_apart`), mouth corners lowered to rest as far as the edit
        removes smile (:func:`~ned_core.render.mouth_level.level_corners`; plus what the edited expression without
        its speech channels lowers them by below the actor's rest shape, so a sad target's depressed corners are
        not levelled away), each lip kept at least a third of its source height with its rows in their source
        order (:func:`~ned_core.render.lip_floor.keep_lip_height`: a lip press on thin lips neither tears nor
        folds them), skin the
        edit would crush or fold eased back (:func:`~ned_core.render.unfold.ease_folds`), each iris moved with
        its eye corners (gaze kept), and the corners brought down toward the middle of the lips' opening
        (:func:`~ned_core.render.mouth_stretch.stretch_corners`) as far as the edit adds lip stretch (in speech
        too) or removes smile from lips it closes between syllables (:func:`~ned_core.face3d.lips.sealed`,
        in speech too: a closed resting mouth's corners lie on the lip line, the mean face's parted mouth holds
        them 0.04 IOD above it),
        and past it by what the target itself lowers them (a smile made sad ends with its corners below the lips' line).
        The upper-lip lift (AU9/AU10) raises the lips' centre, not the corners: closed lips under a lift count as
        closed, and the corners come down to the middle of the opening without the lift. (Levelled to the middle
        of the lifted opening, the astronaut's smile made disgusted kept its corners 0.05 IOD lower than the source's
        and the smile's curve, fer p(happy) 0.99; now 0.08-0.09 lower, p(happy) 0.96.)
    """
    src = np.asarray(source, np.float32)
    expression = part_smile(fit.expression, expression, shows_interior(src, mouth_open))
    unedited_faces = model.shapes(fit.identity, fit.expression)
    checked = model.check_expression(fit, expression)
    edited_faces = model.shapes(fit.identity, checked)
    for extra in (knit_offsets, droop_offsets):
        edited_faces += extra(model.basis.template, model.channel_names, fit.expression, checked)
    lift = np.einsum("tk,kvc->tvc", checked[:, _LIFT], model.basis.displacements[_LIFT])
    unexplained = close_unexplained_opening(fit.identity, unedited_faces, edited_faces - lift, fit.unexplained)
    unexplained = keep_lips_apart(unedited_faces, edited_faces, unexplained)
    # as model.reconstruct(..., include_unexplained=True), the faces computed once for both uses
    edited = fit.pose.apply(edited_faces + unexplained).astype(np.float32)
    unedited = fit.pose.apply(unedited_faces + fit.unexplained).astype(np.float32)
    out = src.copy()
    out[:, :NUM_MESH] = src[:, :NUM_MESH] + (edited - unedited)  # exact identity when nothing is edited
    removed = _smile(fit.expression) - _smile(np.asarray(expression))
    silent = np.array(expression, np.float64)
    silent[:, _SPEECH] = 0.0  # the jaw's own pull on the corners is in the source's corners already
    depressed = _corner_drop(model.shapes(fit.identity, silent)) - _corner_drop(fit.identity[None])
    out = ease_folds(src, keep_lip_height(src, level_corners(out, removed, depressed)))
    for iris, corners in _IRIS_CARRIERS:
        shift = (out[:, corners] - src[:, corners]).mean(axis=1, keepdims=True)
        out[:, iris] = src[:, iris] + shift
    # a lip stretch (fear) flattens the mouth: corners toward the opening's slow middle (mouth_stretch.py), in speech
    # too: the corners are expression, not speech (gated by silence, the speaking astronaut's fear corners came down
    # 0.08 IOD, the still's 0.18, fer p(happy) 0.52; now 0.20, p(happy) 0.29, mouth PCC 0.94 -> 0.96, held-out warm
    # 0.08 -> 0.21 IOD, p(happy) 0.72 -> 0.44, PCC 0.98 -> 0.97)
    stretched = (np.asarray(expression)[:, _STRETCH] - fit.expression[:, _STRETCH]).mean(axis=1)
    # a smile removed from lips the target closes: corners down to the lip line as well (the levelling's rest is
    # the mean face's parted mouth, whose corners sit 0.04 IOD above its upper lip's inner edge; those of a closed
    # resting mouth lie on the lip line), as far as the smile goes and the lips meet between syllables: in speech
    # too (the smile is expression; the lips' slow middle the corners go to leaves the syllables' opening alone)
    closing = np.clip(removed / FULL_REMOVAL, 0.0, 1.0) * sealed(edited_faces - lift + unexplained)
    # while the actor talks, only a smiling source's corners are flattened (a grin's corners sit at its upper teeth; a
    # talking unsmiling face's corners already lie near the lips' middle, and moving them there in speech took the
    # speaking Hopper actor's re-read fear lip stretch from > 0.08 to 0.04): silence, or the share of a full smile held
    talking_smile = np.clip(_smile(fit.expression) / FULL_REMOVAL, 0.0, 1.0)
    stretched = np.maximum(stretched * np.maximum(silence(unedited_faces + fit.unexplained), talking_smile),
                           FULL_STRETCH * closing)
    return stretch_corners(out, stretched, -lift[:, _UPPER_LIP_INNER, 1], depressed)


def _smile(expression: np.ndarray) -> np.ndarray:
    """``(T,)`` mean lip_corner_pull of a ``(T, K)`` expression."""
    return expression[:, _SMILE].mean(axis=1)


def _corner_drop(faces: np.ndarray) -> np.ndarray:
    """``(T,)`` how far (template IOD, down) the mouth corners of ``(T, 468, 3)`` faces sit below the upper lip's
    middle."""
    return faces[:, list(CORNERS), 1].mean(axis=1) - faces[:, UPPER_LIP_TOP, 1]
