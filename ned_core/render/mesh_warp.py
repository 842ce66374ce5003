"""The embedded renderer: piecewise-affine mesh warp of the source face onto the target landmarks.

Per frame, in frame pixels over the face box only: a fade-ringed mesh (fixed mean-face topology
unless the edit folds it), its backward map computed on a ``field_step`` grid and interpolated,
eye interiors moved rigidly, one remap of the source frame, then the mouth interior filled where
the target opens wider than the source (retrieved from the shot, see ``mouth_index.py``).
"""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.regions import interocular_distance
from ned_core.exceptions import RenderInputError
from ned_core.render.base import FaceRenderer, RenderedFace, ShotContext, check_frame_inputs
from ned_core.render.config import RenderConfig
from ned_core.render.eyes import rigid_eye_maps
from ned_core.render.mouth_fill import fill_mouth
from ned_core.render.mouth_index import MouthIndex, build_mouth_index
from ned_core.render.topology import WarpMesh, face_width, warp_mesh
from ned_core.render.warp import backward_map, mesh_box, remap


def displacement_field(mesh: WarpMesh, box: tuple[int, int, int, int], step: int) -> tuple[
        np.ndarray, np.ndarray, np.ndarray]:
    """The mesh's backward map over ``box``, evaluated every ``step`` pixels and bilinearly interpolated.

    Interpolating the displacement (not the absolute position) keeps an identity warp exact; the
    field is smooth (piecewise affine on triangles many pixels wide), so a few pixels' spacing is
    indistinguishable from the exact map at a fraction of the cost.

    Returns:
        ``(map_x, map_y, inside)``: ``(h, w) float32`` source coordinates, ``(h, w) float32`` 0..1
        mesh coverage.
    """
    x0, y0, x1, y1 = box
    if step == 1:
        field = backward_map(mesh.src, mesh.dst, mesh.triangles, box)
        return field.map_x, field.map_y, field.inside.astype(np.float32)
    w, h = x1 - x0, y1 - y0
    cw, ch = -(-w // step), -(-h // step)
    # cv2.resize's pixel-centre convention: coarse node (i, j) sits at box pixel ((i + 0.5) * step - 0.5, ...)
    nodes = (mesh.dst - (x0, y0) + 0.5) / step - 0.5
    coarse = backward_map(mesh.src, nodes, mesh.triangles, (0, 0, cw, ch))
    gx = (x0 - 0.5 + step * (np.arange(cw, dtype=np.float32) + 0.5))[None, :]
    gy = (y0 - 0.5 + step * (np.arange(ch, dtype=np.float32) + 0.5))[:, None]
    inside = coarse.inside.astype(np.float32)  # outside the mesh the coarse map is the identity in node units
    size = (cw * step, ch * step)
    fine = [cv2.resize(c, size, interpolation=cv2.INTER_LINEAR)[:h, :w]
            for c in ((coarse.map_x - gx) * inside, (coarse.map_y - gy) * inside, inside)]
    xs = np.arange(x0, x1, dtype=np.float32)[None, :]
    ys = np.arange(y0, y1, dtype=np.float32)[:, None]
    return fine[0] + xs, fine[1] + ys, np.ascontiguousarray(fine[2])


def field_step(config: RenderConfig, face_px: float) -> int:
    """Grid spacing in pixels of the displacement field for a face ``face_px`` wide (at least 1)."""
    return max(1, round(config.field_spacing * face_px))


def render_mesh_warp(frame_number: int, frame: np.ndarray, src: np.ndarray, dst: np.ndarray,
                     config: RenderConfig, mouth_index: MouthIndex | None = None) -> RenderedFace:
    """Warp the source face from ``src`` to ``dst`` landmarks (see the module docstring).

    Args:
        frame_number: the frame's number (flags, errors).
        frame: ``(H, W, 3) float32`` scene-linear source frame (not clipped).
        src: ``(478, 3)`` observed landmarks, frame pixels.
        dst: ``(478, 3)`` target landmarks, frame pixels.
        config: renderer settings.
        mouth_index: the shot's mouth index (``None``: interiors are synthesised when needed).

    Returns:
        The :class:`RenderedFace` over the box the warp changed (the fade ring's box); ``flags``
        holds ``mouth_fill`` and ``fixed_topology``.

    Raises:
        RenderInputError: malformed inputs, or the face lies entirely outside the frame.
    """
    image, src_xy, dst_xy = check_frame_inputs(frame_number, frame, src, dst)
    height, width = image.shape[:2]
    mesh = warp_mesh(src_xy, dst_xy, config)
    box = mesh_box(mesh.dst, width, height)
    if box[2] <= box[0] or box[3] <= box[1]:
        raise RenderInputError(f"frame {frame_number}: the face lies entirely outside the {width}x{height} frame")
    map_x, map_y, inside = displacement_field(mesh, box, field_step(config, face_width(src_xy[:468])))
    feather = config.eye_feather * float(interocular_distance(dst_xy))
    map_x, map_y = rigid_eye_maps(map_x, map_y, box, src_xy, dst_xy, feather)
    rgb = remap(image, map_x, map_y)
    rgb, flags = fill_mouth(rgb, box, image, src_xy, dst_xy, mouth_index, config)
    return RenderedFace(frame_number, box, rgb, inside, {**flags, "fixed_topology": mesh.fixed_topology})


class MeshWarpRenderer(FaceRenderer):
    """The embedded-tier :class:`FaceRenderer`: mesh warp + mouth-interior retrieval from the shot.

    Call :meth:`prepare` once per shot (builds the mouth index, reading at most
    ``config.max_patches`` frames through the context's frame reader), then :meth:`render` per frame.
    """

    def __init__(self, config: RenderConfig = RenderConfig()) -> None:
        self.config = config
        self._mouth_index: MouthIndex | None = None

    @property
    def mouth_index(self) -> MouthIndex | None:
        """The current shot's mouth index (``None`` before :meth:`prepare`)."""
        return self._mouth_index

    def prepare(self, shot: ShotContext) -> None:
        """Build the shot's mouth index (replacing the previous shot's)."""
        self._mouth_index = build_mouth_index(shot, self.config)

    def render(self, frame_number: int, frame: np.ndarray, src: np.ndarray, dst: np.ndarray) -> RenderedFace:
        """See :func:`render_mesh_warp`."""
        return render_mesh_warp(frame_number, frame, src, dst, self.config, self._mouth_index)
