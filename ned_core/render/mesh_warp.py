"""The embedded renderer: piecewise-affine mesh warp of the source face onto the target landmarks.

Per frame, in frame pixels over the face box only: a fade-ringed mesh (fixed mean-face topology
unless the edit folds it), its backward map computed on a coarse grid and interpolated (exact
around the lips and eyes, see ``field.py``), eye interiors moved rigidly, one remap of the source frame
with spectacle rims held still in front of the skin moving behind them (``glasses.py``), then, where the target
parts the lips less than the source, its opening redrawn as a window onto the source's interior at its own size
(the lips slide over teeth that stay put, ``lip_cover.py``; where the target raises the upper lip, the lips are
first redrawn from the source's visible lips alone, ``lip_band.py``) and, where the target closes the mouth down, the
dark mouth corners the warp carries outside its lips given the skin around them (``mouth_spill.py``), the mouth
interior filled where the target parts the lips further than the source (retrieved from the shot's own frames, see
``mouth_index.py``; a smile's lifted lip shows the shot's upper teeth at their own size, ``smile_teeth.py``; a
smile's lip that the target relaxes over an opened mouth comes down over the upper teeth, ``lip_lower.py``) or,
where the target closes a mouth the source shows open, the teeth the warp carries into its lips replaced by the other
lip's texture (a grin's tracked inner lip sits on its teeth; those along a syllable's dark gap kept, ``lip_repair.py``)
and the rest painted shut (``lip_seal.py``), and a smile's fold and cheek shading softened where the target drops the
mouth corners (``smile_relax.py``) or deepened where it raises them (``smile_shading.py``), a sad mouth's folds and
chin furrow shaded in where it turns them down (``sad_shading.py``), and the brow creases
shaded in where the target lowers or raises the brows against the source, the nose wrinkle where it raises the nose
(``creases.py``).
"""

from __future__ import annotations

import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.regions import LIPS_INNER, interocular_distance
from ned_core.exceptions import RenderInputError
from ned_core.render.base import FaceRenderer, RenderedFace, ShotContext, check_frame_inputs, check_landmarks
from ned_core.render.config import RenderConfig
from ned_core.render.creases import add_creases, crease_weights
from ned_core.render.eyes import reveal_eyeballs, rigid_eye_maps
from ned_core.render.field import field_step, warp_field
from ned_core.render.glasses import ShotRims, rim_front, rim_mask, rims_in_frame, warp_behind_rims
from ned_core.render.lip_band import redraw_raised_lips
from ned_core.render.lip_cover import cover_lips
from ned_core.render.lip_edge import mouth_reference
from ned_core.render.lip_lower import lower_upper_lip, lower_weight
from ned_core.render.lip_repair import interior_share, repair_lips, repair_weight
from ned_core.render.lip_seal import held_share, seal_lips, seal_weight, side_weights
from ned_core.render.smile_relax import fold_share, relax_smile, relax_weight
from ned_core.render.sad_shading import frown_weight, shade_frown
from ned_core.render.smile_shading import shade_smile, smile_weight
from ned_core.render.smile_teeth import faded_weight, show_teeth, teeth_weight
from ned_core.render.mouth_fill import fill_mouth, plan_mouth
from ned_core.render.mouth_spill import clear_spill
from ned_core.render.mouth_index import MouthIndex, build_mouth_index, mouth_shape, template_from_image
from ned_core.render.topology import WarpMesh, face_width, warp_mesh
from ned_core.render.warp import mesh_box

HELD_PERCENTILE = 10  # of a shot's mouth openings: what its mouth holds throughout (not speech)


def render_mesh_warp(frame_number: int, frame: np.ndarray, src: np.ndarray, dst: np.ndarray,
                     config: RenderConfig, mouth_index: MouthIndex | None = None,
                     previous_mouth: int | None = None, held_opening: float | None = None,
                     glasses: ShotRims | bool = True, previous_teeth: float | None = None) -> RenderedFace:
    """Warp the source face from ``src`` to ``dst`` landmarks (see the module docstring).

    Args:
        frame_number: the frame's number (flags, errors).
        frame: ``(H, W, 3) float32`` scene-linear source frame (not clipped).
        src: ``(478, 3)`` observed landmarks, frame pixels.
        dst: ``(478, 3)`` target landmarks, frame pixels.
        config: renderer settings.
        mouth_index: the shot's mouth index (``None``: interiors are synthesised when needed).
        previous_mouth: the mouth-index slot the previous frame used (``flags["mouth_slot"]``), or None.
        previous_teeth: the stored upper teeth's weight the previous frame showed (``flags["smile_teeth"]``), None
            for a shot's first frame: this frame's moves from it at most
            :data:`~ned_core.render.smile_teeth.FADE_STEP`.
        held_opening: the inner-lip area (IOD^2) the shot's mouth holds throughout (see
            :func:`~ned_core.render.lip_seal.seal_weight`), None for a still.
        glasses: the shot's spectacle rims (:func:`~ned_core.render.glasses.shot_rims`), placed by this frame's
            head pose; True: found in this frame alone; False: the face wears none.

    Returns:
        The :class:`RenderedFace` over the box the warp changed (the fade ring's box); ``flags``
        holds ``mouth_fill``, ``lip_cover`` (0..1, the largest column weight of the narrowed opening's window),
        ``lip_seal`` (0..1, how far a mouth the target closes was painted shut), ``lip_repair`` (0..1, the share
        of the target's lip band whose grey teeth were replaced by lip texture, ``lip_repair.py``), ``mouth_spill``
        (pixels of the source's dark mouth corners given skin outside the target's lips, ``mouth_spill.py``),
        ``lip_band`` (0..1, how far the lips were redrawn from the source's visible lips, ``lip_band.py``),
        ``lip_lowered`` (pixels the upper lip was brought down over the upper teeth, ``lip_lower.py``),
        ``smile_relax`` (0..1, how far the smile's shading was softened), ``smile_fold`` (0..1, the nasolabial
        folds' share of it), ``smile_shade`` (0..1, how far a smile's folds were shaded in: ``smile_shading.py``),
        ``frown_shade`` (0..1, how far a sad mouth's folds were: ``sad_shading.py``),
        ``brow_furrow``, ``brow_lines`` and ``nose_wrinkle`` (0..1, the creases' largest weights, see
        :func:`~ned_core.render.creases.crease_weights`) and ``fixed_topology``.

    Raises:
        RenderInputError: malformed inputs, or the face lies entirely outside the frame.
    """
    image, src_xy, dst_xy = check_frame_inputs(frame_number, frame, src, dst)
    mesh, box = _mesh_and_box(frame_number, image.shape[:2], src_xy, dst_xy, config)
    iod = float(interocular_distance(dst_xy))
    step = field_step(config.field_spacing, face_width(src_xy[:468]))
    map_x, map_y, inside = warp_field(mesh, box, step, config.exact_pad * iod)
    map_x, map_y = rigid_eye_maps(map_x, map_y, box, src_xy, dst_xy, config.eye_feather * iod)
    if isinstance(glasses, ShotRims):
        rims = rims_in_frame(glasses, src_xy, image.shape[:2])
    else:
        rims = rim_mask(image, src_xy) if glasses else None
    src_iod = float(interocular_distance(src_xy))
    front = rim_front(rims, box, src_iod)  # the rims shown in front of the skin and of the revealed eyeballs
    warped = warp_behind_rims(image, map_x, map_y, box, rims, src_iod, front)
    rgb, revealed = reveal_eyeballs(warped, box, image, src_xy, dst_xy, iod, front)
    to_template = (template_from_image(src_xy), template_from_image(dst_xy))
    mouths = (mouth_shape(src_xy, to_template[0]), mouth_shape(dst_xy, to_template[1]))
    repair = repair_weight(mouths[0][1], mouths[1][1], config)
    # how far the nasolabial fold is the smile's (1) or the target's own raised upper lip's (0, disgust)
    fold = fold_share(src_xy, dst_xy, to_template)
    raised = (1.0 - fold) * repair  # the target raises the upper lip (disgust) over a mouth it closes down
    rgb, (map_x, map_y), lips = redraw_raised_lips(rgb, box, image, src_xy, dst_xy, (map_x, map_y), repair, raised)
    rgb, (map_x, map_y), cover = cover_lips(rgb, box, image, *lips, (map_x, map_y))
    rgb, spilled = clear_spill(rgb, box, image, src_xy, dst_xy, (map_x, map_y), repair)
    rgb, flags = fill_mouth(rgb, box, image, src_xy, dst_xy, mouth_index, config, previous_mouth,
                            frame_number, held_opening, mouths)
    teeth = faded_weight(teeth_weight(src_xy, dst_xy, mouths[0][1], config, to_template), previous_teeth)
    rgb = show_teeth(rgb, box, image, src_xy, dst_xy, mouth_index, config, teeth)
    relax = relax_weight(src_xy, dst_xy, to_template)
    lower = lower_weight(src_xy, dst_xy, to_template, repair)
    rgb, lowered = (lower_upper_lip(rgb, box, dst_xy, mouth_reference(image, src_xy[list(LIPS_INNER)], src_iod), lower)
                    if lower > 0.0 else (rgb, 0.0))
    seal = seal_weight(mouths[0][1], mouths[1][1], config, held_opening)
    sides = side_weights(src_xy, dst_xy) * held_share(mouths[0][1], config, held_opening)
    interior = interior_share(image, lips[0], (map_x, map_y)) if repair > 0 else None
    rgb, repaired = (repair_lips(rgb, box, lips[1], interior, repair, np.maximum(sides, seal), 1.0 - raised)
                     if interior is not None else (rgb, 0.0))
    rgb = seal_lips(rgb, box, dst_xy, seal, sides)
    fold = fold if relax > 0 else 0.0
    rgb = relax_smile(rgb, box, dst_xy, relax, fold)
    smile = smile_weight(src_xy, dst_xy, to_template)
    rgb = shade_smile(rgb, box, dst_xy, smile, rims)
    frown = frown_weight(src_xy, dst_xy, to_template)
    rgb = shade_frown(rgb, box, dst_xy, frown, rims)
    rest = load_mean_face()[:, :2]
    creases = crease_weights(src_xy, dst_xy, rest)
    rgb = add_creases(rgb, box, dst_xy, creases, rest, rims)
    return RenderedFace(frame_number, box, rgb, inside, {**flags, "lip_cover": cover, "lip_seal": seal,
                                                     "lip_repair": repaired, "mouth_spill": spilled,
                                                     "lip_band": raised,
                                                     "smile_relax": relax, "smile_fold": fold, "smile_shade": smile,
                                                     "smile_teeth": teeth, "lip_lowered": lowered,
                                                     "frown_shade": frown,
                                                     "brow_furrow": max(creases.furrow),
                                                     "brow_lines": max(creases.central + creases.lateral),
                                                     "nose_wrinkle": max(creases.nose),
                                                     "eye_reveal": revealed,
                                                     "fixed_topology": mesh.fixed_topology}, (map_x, map_y))


def _mesh_and_box(frame_number: int, frame_size: tuple[int, int], src_xy: np.ndarray, dst_xy: np.ndarray,
                  config: RenderConfig) -> tuple[WarpMesh, tuple[int, int, int, int]]:
    """The warp mesh and the box it changes in a ``(H, W)`` frame.

    Raises:
        RenderInputError: the face lies entirely outside the frame.
    """
    height, width = frame_size
    mesh = warp_mesh(src_xy, dst_xy, config)
    box = mesh_box(mesh.dst, width, height)
    if box[2] <= box[0] or box[3] <= box[1]:
        raise RenderInputError(f"frame {frame_number}: the face lies entirely outside the {width}x{height} frame")
    return mesh, box


def mouth_slot(frame_number: int, frame_size: tuple[int, int], src: np.ndarray, dst: np.ndarray,
               config: RenderConfig, mouth_index: MouthIndex | None, previous_mouth: int | None = None,
               held_opening: float | None = None) -> int | None:
    """The mouth-index slot :func:`render_mesh_warp` would retrieve for this frame (its ``flags["mouth_slot"]``),
    from the landmarks alone: no pixels are read or warped.

    Args:
        frame_size: ``(H, W)`` of the frame the render would get.
        src, dst, config, mouth_index, previous_mouth: as for :func:`render_mesh_warp`.
    """
    src_xy, dst_xy = check_landmarks(frame_number, src, dst)
    _, box = _mesh_and_box(frame_number, frame_size, src_xy, dst_xy, config)
    plan = plan_mouth(box, src_xy, dst_xy, mouth_index, config, previous_mouth, frame_number, held_opening)
    return None if plan is None else plan.slot


def mouth_teeth(frame_number: int, src: np.ndarray, dst: np.ndarray, config: RenderConfig) -> float:
    """The stored upper teeth's weight :func:`render_mesh_warp` would start from for this frame (before
    :func:`~ned_core.render.smile_teeth.faded_weight`), from the landmarks alone.

    Args:
        src, dst: ``(478, 3)`` source and target landmarks, frame pixels.
    """
    src_xy, dst_xy = check_landmarks(frame_number, src, dst)
    to_template = (template_from_image(src_xy), template_from_image(dst_xy))
    return teeth_weight(src_xy, dst_xy, mouth_shape(src_xy, to_template[0])[1], config, to_template)


class MeshWarpRenderer(FaceRenderer):
    """The embedded-tier :class:`FaceRenderer`: mesh warp + mouth-interior retrieval from the shot.

    Call :meth:`prepare` once per shot (builds the mouth index, reading at most
    ``config.max_patches`` frames through the context's frame reader), then :meth:`render` per frame,
    in frame order: a frame keeps the previous frame's retrieved mouth while it still fits, and the stored upper
    teeth fade from the previous frame's weight.
    """

    def __init__(self, config: RenderConfig = RenderConfig()) -> None:
        self.config = config
        self._mouth_index: MouthIndex | None = None
        self._last_mouth: int | None = None
        self._last_teeth: float | None = None
        self._held_opening: float | None = None
        #: the shot's spectacle rims (see ``render_mesh_warp``'s ``glasses``): True finds them in each frame
        self.glasses: ShotRims | bool = True

    @property
    def mouth_index(self) -> MouthIndex | None:
        """The current shot's mouth index (``None`` before :meth:`prepare`)."""
        return self._mouth_index

    def prepare(self, shot: ShotContext, index: MouthIndex | None = None) -> None:
        """Build the shot's mouth index (replacing the previous shot's), or take ``index``, built for this shot
        and these settings before (a cached one), and read the opening its mouth holds throughout (the 10th
        percentile of the frames' inner-lip areas)."""
        self._mouth_index = index if index is not None else build_mouth_index(shot, self.config)
        self._last_mouth = None
        self._last_teeth = None
        openings = [mouth_shape(lm)[1] for lm in np.asarray(shot.landmarks)]
        self._held_opening = float(np.percentile(openings, HELD_PERCENTILE)) if openings else None

    def render(self, frame_number: int, frame: np.ndarray, src: np.ndarray, dst: np.ndarray) -> RenderedFace:
        """See :func:`render_mesh_warp`."""
        rendered = render_mesh_warp(frame_number, frame, src, dst, self.config, self._mouth_index, self._last_mouth,
                                    self._held_opening, self.glasses, self._last_teeth)
        self._last_teeth = rendered.flags["smile_teeth"]
        # kept over frames without a retrieved mouth, so the teeth do not switch across a short closure
        self._last_mouth = rendered.flags.get("mouth_slot", self._last_mouth)
        return rendered

    def advance(self, frame_number: int, frame_size: tuple[int, int], src: np.ndarray, dst: np.ndarray) -> None:
        """Step over a frame without rendering it: only the retrieved-mouth continuity moves on, exactly as
        :meth:`render` would move it, and the stored teeth's fade (a render of part of a shot replays the frames
        before it this way)."""
        slot = mouth_slot(frame_number, frame_size, src, dst, self.config, self._mouth_index, self._last_mouth,
                          self._held_opening)
        self._last_mouth = self._last_mouth if slot is None else slot
        self._last_teeth = faded_weight(mouth_teeth(frame_number, src, dst, self.config), self._last_teeth)
