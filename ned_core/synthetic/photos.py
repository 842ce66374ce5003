"""The real face photos that ship inside Python packages: the raw material of synthetic actors."""

from __future__ import annotations

import numpy as np

from ned_core.exceptions import SyntheticActorError

SAMPLE_PHOTOS = ("astronaut", "grace_hopper")


def sample_photo(name: str) -> np.ndarray:
    """One sample face photo as ``(H, W, 3) uint8`` RGB.

    "astronaut" is scikit-image's ``data.astronaut()`` (512x512, smiling, mouth open on the teeth);
    "grace_hopper" is matplotlib's ``sample_data/grace_hopper.jpg`` (512x600, neutral, mouth
    closed), decoded by OpenCV. Both packages are development dependencies (``pip install
    .[dev]``).

    Raises:
        SyntheticActorError: unknown name, or the package that ships the photo is not installed.
    """
    if name not in SAMPLE_PHOTOS:
        raise SyntheticActorError(f"sample_photo: unknown photo {name!r}; choose one of {', '.join(SAMPLE_PHOTOS)}")
    try:
        if name == "astronaut":
            import skimage.data

            return np.ascontiguousarray(skimage.data.astronaut())
        import cv2
        from matplotlib import cbook

        with cbook.get_sample_data("grace_hopper.jpg") as f:
            data = np.frombuffer(f.read(), dtype=np.uint8)
        return np.ascontiguousarray(cv2.cvtColor(cv2.imdecode(data, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB))
    except ImportError as err:
        raise SyntheticActorError(
            f"sample_photo({name!r}) needs {err.name}; install the development extras: pip install '.[dev]'"
        ) from err
