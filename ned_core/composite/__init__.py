"""Stage 6, compositing: blend mask, Laplacian multi-band blending, inverse alignment, face plate out.

Typical use::

    from ned_core.composite import CompositeConfig, composite_face, merge_over
    plate = composite_face(frame, renderer.render(n, frame, src, dst), src, dst, CompositeConfig())
    preview = merge_over(frame, plate)  # the full frame with the plate merged over it
"""

from ned_core.composite.blend import blend_difference, laplacian_blend
from ned_core.composite.config import CompositeConfig
from ned_core.composite.mask import blend_mask
from ned_core.composite.paste import composite_face, face_box, merge_over

__all__ = [
    "CompositeConfig",
    "blend_difference",
    "blend_mask",
    "composite_face",
    "face_box",
    "laplacian_blend",
    "merge_over",
]
