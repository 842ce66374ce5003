"""Run one TFLite model with ai-edge-litert: interpreter built once, float32 NHWC in, named outputs out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter

from ned_core.exceptions import ShapeError


class LiteRTModel:
    """A loaded TFLite model with one image input; reuse the instance for every call (not thread-safe).

    Args:
        path: the ``.tflite`` file.
        num_threads: CPU threads for the interpreter.
    """

    def __init__(self, path: Path | str, num_threads: int = 2):
        self.path = Path(path)
        self._interp = Interpreter(model_path=str(self.path), num_threads=num_threads)
        self._interp.allocate_tensors()
        (inp,) = self._interp.get_input_details()
        self._input_index = inp["index"]
        self.input_shape: tuple[int, ...] = tuple(int(s) for s in inp["shape"])
        self._outputs = [(d["name"], d["index"]) for d in self._interp.get_output_details()]

    @property
    def input_size(self) -> tuple[int, int]:
        """(height, width) of the model's image input."""
        return self.input_shape[1], self.input_shape[2]

    @property
    def output_names(self) -> list[str]:
        return [name for name, _ in self._outputs]

    def run(self, image: np.ndarray) -> list[np.ndarray]:
        """Run the model on one image.

        Args:
            image: ``(H, W, 3) float32`` already scaled to the model's input range, H and W equal to
                :attr:`input_size`.

        Returns:
            The outputs in the model's declared order, each a copy (safe to keep).
        """
        expected = self.input_shape[1:]
        if image.shape != expected:
            raise ShapeError(self.path.name, f"input {expected}", image.shape)
        self._interp.set_tensor(self._input_index, np.ascontiguousarray(image[None], dtype=np.float32))
        self._interp.invoke()
        return [self._interp.get_tensor(index).copy() for _, index in self._outputs]
