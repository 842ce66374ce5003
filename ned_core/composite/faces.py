"""Several faces' plates of one frame -> one multi-face plate (``--track all``): merged RGBA + a layer per face."""

from __future__ import annotations

import numpy as np

from ned_core.composite.blend import channel_weighted
from ned_core.exceptions import ShapeError
from ned_core.io.exr import FacePlate
from ned_core.io.stmap import identity_stmap


def merge_face_plates(plates: dict[int, FacePlate]) -> FacePlate:
    """One plate holding every face of a frame.

    Args:
        plates: track id -> that face's plate of the same frame (non-empty; same frame and display size).

    Returns:
        A plate whose data window is the union of the faces' windows; ``rgba`` is every face merged *over*
        the next in track-id order (premultiplied), ``mask`` (``facemask.A``) the union of the blend masks
        (``1 - prod(1 - m)``, equal to the merged alpha), and ``faces[id]`` each face alone, ``(h, w, 4)``
        premultiplied RGBA in the union window (its alpha is that face's blend mask). When the faces carry
        STMaps, the merged STMap is identity with each face's warp where it moves pixels (the lowest id on top).

    Raises:
        ShapeError: no plates, or plates of different frames or display sizes.
    """
    if not plates:
        raise ShapeError("plates", "at least one face plate", "none")
    first = next(iter(plates.values()))
    for tid, p in plates.items():
        if (p.frame, tuple(p.display_size)) != (first.frame, tuple(first.display_size)):
            raise ShapeError(f"plate of track {tid}", f"frame {first.frame} of a {first.display_size} frame",
                             f"frame {p.frame} of a {p.display_size} frame")
    windows = np.array([p.data_window for p in plates.values()])
    x0, y0 = (int(v) for v in windows[:, :2].min(axis=0))
    x1, y1 = (int(v) for v in windows[:, 2:].max(axis=0))
    faces = {}
    for tid in sorted(plates):
        p = plates[tid]
        layer = np.zeros((y1 - y0, x1 - x0, 4), np.float32)
        px0, py0, px1, py1 = p.data_window
        layer[py0 - y0:py1 - y0, px0 - x0:px1 - x0] = p.rgba
        faces[int(tid)] = layer
    merged = np.zeros((y1 - y0, x1 - x0, 4), np.float32)
    for tid in sorted(faces, reverse=True):  # the lowest id ends up on top
        layer = faces[tid]
        merged = layer + channel_weighted(1.0 - layer[..., 3], merged)
    mask = np.clip(merged[..., 3], 0.0, 1.0)
    return FacePlate(first.frame, first.display_size, (x0, y0, x1, y1), merged, mask, faces=faces,
                     stmap=_merged_stmap(plates, (x0, y0, x1, y1)))


def _merged_stmap(plates: dict[int, FacePlate], window: tuple[int, int, int, int]) -> np.ndarray | None:
    """Identity over ``window`` with every face's moved pixels (see :func:`merge_face_plates`); None without STMaps."""
    if all(p.stmap is None for p in plates.values()):
        return None
    first = next(iter(plates.values()))
    out = identity_stmap(window, first.display_size)
    for tid in sorted(plates, reverse=True):
        p = plates[tid]
        if p.stmap is None:
            continue
        px0, py0, px1, py1 = p.data_window
        part = out[py0 - window[1]:py1 - window[1], px0 - window[0]:px1 - window[0]]
        moved = np.any(p.stmap != identity_stmap(p.data_window, p.display_size), axis=2)
        part[moved] = p.stmap[moved]
    return out
