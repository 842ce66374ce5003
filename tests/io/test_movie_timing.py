"""Variable-frame-rate movies: frame numbers from timestamps (held and dropped pictures), nominal rates."""

from __future__ import annotations

from fractions import Fraction

from ned_core.io.movie_timing import conform_map, nominal_rate

MS = Fraction(1, 1000)


def test_constant_timing_needs_no_map():
    assert conform_map([0, 42, 83, 125, 167], MS, Fraction(24)) is None


def test_a_dropped_picture_is_held_and_jitter_is_ignored():
    # pictures at 0, 1, 2, 3, 4, 6 (frame 5 missing), with a few ms of jitter
    assert conform_map([0, 43, 82, 126, 166, 250], MS, Fraction(24)) == [0, 1, 2, 3, 4, 4, 5]


def test_two_pictures_on_one_frame_keep_the_later():
    assert conform_map([0, 10, 42, 83], MS, Fraction(24)) == [1, 2, 3]


def test_nominal_rates_snap_to_standard_ones_only_when_close():
    assert nominal_rate(Fraction(289, 12)) == 24
    assert nominal_rate(Fraction(2997, 100)) == Fraction(30000, 1001)
    assert nominal_rate(Fraction(18)) == 18
