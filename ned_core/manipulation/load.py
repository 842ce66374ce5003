"""Load a manipulator from either checkpoint format: ours (``NedManipulator.1``) or the official NED files."""

from __future__ import annotations

from pathlib import Path

from ned_core.manipulation.checkpoint import LoadedCheckpoint, checkpoint_from_doc, read_checkpoint_file
from ned_core.manipulation.official_import import import_official_nets, is_official_layout


def load_manipulator(path: Path | str, device: str = "cpu") -> LoadedCheckpoint:
    """Load a manipulator onto ``device`` (eval mode).

    An official ``*_nets*.pth`` file (recognised by its ``generator``/``mapping_network``/
    ``style_encoder`` entries) is imported into the FLAME space with the official domain order.

    Raises:
        CheckpointFormatError: missing, unreadable, or neither format.
    """
    doc = read_checkpoint_file(path)
    if is_official_layout(doc):
        model = import_official_nets(doc, str(path))
        return LoadedCheckpoint(model.to(device), 0, {"created_by": "official NED import", "source": str(path)}, None)
    return checkpoint_from_doc(doc, str(path), device)
