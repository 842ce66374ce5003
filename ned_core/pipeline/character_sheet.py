"""The characters' contact sheet (``ned analyze --out DIR`` -> ``characters.png``): a face and its ids each."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from ned_core.io.atomic import atomic_write_bytes
from ned_core.pipeline.characters import ShotCharacters

TILE, THUMB, COLUMNS = 220, 180, 4
_TEXT_ROWS, _LINE = 4, 18


def _lines(row: dict, width: int) -> list[str]:
    """The tile's caption: character id, its tracks, its frame ranges (wrapped to the tile)."""
    lines = [f"character {row['id']}", "tracks " + ", ".join(map(str, row["tracks"]))]
    words, current = row["frames"].split(","), "frames "
    for w in words:
        if len(current) + len(w) > width and current != "frames ":
            lines.append(current.rstrip(","))
            current = "  "
        current += w + ","
    lines.append(current.rstrip(","))
    return lines[:_TEXT_ROWS] if len(lines) <= _TEXT_ROWS else [*lines[:_TEXT_ROWS - 1], "  ..."]


def character_sheet(shot: ShotCharacters, rows: list[dict]) -> np.ndarray:
    """``(H, W, 3) uint8`` sRGB: one tile per character (its face chip, id, tracks, frames), ``COLUMNS`` a row.

    Args:
        shot: the characters and their thumbnails.
        rows: :func:`~ned_core.pipeline.characters.character_rows` of the same characters.
    """
    count = max(len(rows), 1)
    cols = min(count, COLUMNS)
    height = THUMB + 16 + _TEXT_ROWS * _LINE
    sheet = np.full((height * ((count + cols - 1) // cols), TILE * cols, 3), 32, np.uint8)
    for i, row in enumerate(rows):
        y, x = (i // cols) * height, (i % cols) * TILE
        thumb = cv2.resize(shot.thumbnails[row["id"]], (THUMB, THUMB), interpolation=cv2.INTER_AREA)
        left = x + (TILE - THUMB) // 2
        sheet[y + 8:y + 8 + THUMB, left:left + THUMB] = thumb
        for k, text in enumerate(_lines(row, 22)):
            cv2.putText(sheet, text, (x + 8, y + THUMB + 24 + k * _LINE), cv2.FONT_HERSHEY_SIMPLEX, 0.45,
                        (235, 235, 235), 1, cv2.LINE_AA)
    if not rows:
        cv2.putText(sheet, "no face found", (8, height // 2), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (235, 235, 235), 1)
    return sheet


def write_character_sheet(path: Path | str, shot: ShotCharacters, rows: list[dict]) -> Path:
    """Write :func:`character_sheet` as a PNG, atomically; returns the path."""
    _, data = cv2.imencode(".png", cv2.cvtColor(character_sheet(shot, rows), cv2.COLOR_RGB2BGR))
    path = Path(path)
    atomic_write_bytes(path, data.tobytes())
    return path


def thumbnail_jpeg(chip: np.ndarray, size: int, quality: int = 85) -> tuple[bytes, int, int]:
    """A character's face chip as a small JPEG for a host's face list (``analyze_shot_reply``, protocol 1.4).

    Args:
        chip: ``(H, W, 3) uint8`` sRGB face chip (:attr:`ShotCharacters.thumbnails`).
        size: longest side of the thumbnail, pixels.

    Returns:
        ``(jpeg bytes, width, height)``.
    """
    scale = size / max(chip.shape[:2])
    width, height = max(1, round(chip.shape[1] * scale)), max(1, round(chip.shape[0] * scale))
    small = cv2.resize(chip, (width, height), interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(small, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError(f"JPEG encoding of a {width}x{height} thumbnail failed")
    return data.tobytes(), width, height
