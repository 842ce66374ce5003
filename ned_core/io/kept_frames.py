"""A byte-bounded store of a movie's decoded frames by picture index that keeps the latest frames read."""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class LatestFrames(Generic[T]):
    """Frames by picture index within ``budget`` bytes, the latest indices first.

    A frame that does not fit pushes out the lowest-indexed kept frames when its index is higher than theirs; a frame
    earlier than every kept one that does not fit is not kept. After a movie's analysis (one pass over every frame),
    a render's set-up pass and its frame loop each read from the first frame on, in increasing order: with the last
    frames kept, each decodes from the start straight up to the kept ones. Had the first frames been kept, each would
    start decoding at the first frame not kept, which without a keyframe there decodes the kept frames again as
    lead-in (from the start of a long-GOP H.264), then every frame after them: two more passes over the whole movie.
    Which frames are kept never changes what a read returns (see ``movie_pyav.PyAVDecoder.frame_codes``).

    Args:
        budget: bytes the kept frames may take in all.
        last: the highest index there is, for frames of one size: a frame is kept only when it and every frame after it
            fit, so that making a frame to keep (a copy) is never spent on one that a later frame will push out.
    """

    def __init__(self, budget: int, last: int | None = None):
        self.budget, self.last = budget, last
        self.used = 0
        self._frames: dict[int, tuple[T, int]] = {}

    def __contains__(self, index: int) -> bool:
        return index in self._frames

    def __len__(self) -> int:
        return len(self._frames)

    def get(self, index: int) -> T | None:
        """The frame kept under ``index``, or None."""
        kept = self._frames.get(index)
        return None if kept is None else kept[0]

    def fits(self, index: int, size: int) -> bool:
        """Whether :meth:`add` would keep a frame of ``size`` bytes under ``index`` (lets a caller skip making it)."""
        if index in self._frames or size * (1 if self.last is None else max(1, self.last - index + 1)) > self.budget:
            return False
        room = self.budget - self.used
        for earlier in sorted(self._frames):
            if room >= size or earlier > index:
                break
            room += self._frames[earlier][1]
        return room >= size

    def add(self, index: int, frame: T, size: int) -> bool:
        """Keep ``frame`` (``size`` bytes) under ``index`` if :meth:`fits`, pushing out earlier frames; whether it was
        kept."""
        if not self.fits(index, size):
            return False
        while self.used + size > self.budget:
            self.used -= self._frames.pop(min(self._frames))[1]
        self._frames[index] = (frame, size)
        self.used += size
        return True

    def clear(self) -> None:
        self._frames.clear()
        self.used = 0
