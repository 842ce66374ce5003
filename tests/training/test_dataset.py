"""Expression datasets: files written and read back, subsets, validation splits, clear errors."""

import numpy as np
import pytest

from ned_core.exceptions import DatasetFormatError
from ned_core.face3d.channels import EMOTIONS
from ned_core.manipulation.space import EMBEDDED_SPACE
from ned_core.training.dataset import concat_clips, load_dataset, save_dataset, split_dataset


def test_round_trip_keeps_everything(tmp_path, small_set):
    path = save_dataset(small_set, tmp_path / "d.npz")
    back = load_dataset(path)
    assert back.space == small_set.space
    np.testing.assert_array_equal(back.expression, small_set.expression)
    np.testing.assert_array_equal(back.labels, small_set.labels)
    np.testing.assert_array_equal(back.valid, small_set.valid)
    np.testing.assert_array_equal(back.clip_starts, small_set.clip_starts)
    assert back.clip_actors == small_set.clip_actors and back.clip_sources == small_set.clip_sources
    assert back.info == small_set.info
    assert back.label_counts() == {e: 2 * 40 for e in EMOTIONS}


def test_synthetic_clips_carry_their_emotion(small_set):
    happy, angry = EMOTIONS.index("happy"), EMOTIONS.index("angry")
    smile = EMBEDDED_SPACE.channel_names.index("lip_corner_pull_L")
    brow = EMBEDDED_SPACE.channel_names.index("brow_lower_L")
    mean = {lab: small_set.expression[small_set.labels == lab].mean(0) for lab in (happy, angry)}
    assert mean[happy][smile] > 0.4 > mean[angry][smile]
    assert mean[angry][brow] > 0.4 > mean[happy][brow]
    assert small_set.expression[:, 0].std() > 0.1  # talking


def test_subset_and_split_by_actor(small_set):
    train, val = split_dataset(small_set, ("synth_a001",), 0.0, seed=0)
    assert set(train.clip_actors) == {"synth_a000"} and set(val.clip_actors) == {"synth_a001"}
    assert len(train.expression) + len(val.expression) == len(small_set.expression)
    first = small_set.clip_rows(7)
    np.testing.assert_array_equal(val.expression[val.clip_rows(0)], small_set.expression[first])


def test_split_by_fraction_is_seeded(small_set):
    a = split_dataset(small_set, (), 0.25, seed=5)[1]
    b = split_dataset(small_set, (), 0.25, seed=5)[1]
    assert a.num_clips == round(0.25 * small_set.num_clips) and a.clip_sources == b.clip_sources
    assert split_dataset(small_set, (), 0.0, seed=5)[1] is None
    with pytest.raises(DatasetFormatError, match="nobody"):
        split_dataset(small_set, ("nobody",), 0.0, seed=0)


def test_inconsistent_arrays_are_refused():
    expr = np.zeros((5, 27), np.float32)
    with pytest.raises(DatasetFormatError, match="labels"):
        concat_clips(EMBEDDED_SPACE, [(expr, np.full(5, 9), np.ones(5, bool), "a", "s")], {})
    bad = expr.copy()
    bad[2, 3] = np.nan
    with pytest.raises(DatasetFormatError, match="NaN"):
        concat_clips(EMBEDDED_SPACE, [(bad, np.zeros(5), np.ones(5, bool), "a", "s")], {})
    bad_rows_hidden = concat_clips(EMBEDDED_SPACE, [(bad, np.zeros(5), np.arange(5) != 2, "a", "s")], {})
    assert bad_rows_hidden.num_clips == 1  # a NaN in a frame without a face is never read


def test_unreadable_files_name_the_problem(tmp_path, small_set):
    with pytest.raises(DatasetFormatError, match="not found"):
        load_dataset(tmp_path / "missing.npz")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(DatasetFormatError, match="not a readable"):
        load_dataset(junk)
    other = tmp_path / "other.npz"
    np.savez(other, header=np.array('{"schema": "Something.9"}'), expression=np.zeros((1, 27), np.float32),
             labels=np.zeros(1, np.int8), valid=np.ones(1, bool), clip_starts=np.array([0, 1]))
    with pytest.raises(DatasetFormatError, match="Something.9"):
        load_dataset(other)
