"""Published figures to print beside a shot's results (Papantoniou et al., CVPR 2022)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PaperRow:
    """One method's averages in the paper's Table 1 (self-translation; lower is better)."""

    method: str
    fapd: float
    fid: float


PAPER_TABLE1: tuple[PaperRow, ...] = (
    PaperRow("NED", 17.9, 2.9),
    PaperRow("GANmut", 17.9, 4.3),
    PaperRow("DSM", 25.8, 9.0),
    PaperRow("ICface", 42.3, 47.1),
)
