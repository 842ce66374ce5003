"""The independent emotion classifier: learns the synthetic emotions and generalises to unseen actors."""

import numpy as np
import pytest

from ned_core.exceptions import ShapeError
from ned_core.training.classifier import fit_classifier, window_features
from ned_core.training.windows import gather_windows, window_index


def test_recognises_emotions_of_unseen_actors(train_set, test_set):
    fit_index, test_index = window_index(train_set, 10, hop=5), window_index(test_set, 10, hop=5)
    classifier = fit_classifier(gather_windows(train_set, fit_index.starts, 10), fit_index.labels, 7)
    windows = gather_windows(test_set, test_index.starts, 10)
    p = classifier.probabilities(windows)
    np.testing.assert_allclose(p.sum(1), 1.0)
    assert np.mean(classifier.predict(windows) == test_index.labels) > 0.9
    shuffled = np.random.default_rng(0).permutation(test_index.labels)
    assert np.mean(classifier.predict(windows) == shuffled) < 0.3  # the score can fail


def test_features_and_shape_errors():
    w = np.random.default_rng(0).normal(size=(4, 10, 3))
    f = window_features(w)
    assert f.shape == (4, 9)
    np.testing.assert_allclose(f[:, :3], w.mean(1))
    with pytest.raises(ShapeError, match=r"\(M, N, K\)"):
        window_features(w[0])
    with pytest.raises(ShapeError, match="labels"):
        fit_classifier(w, np.zeros(3), 2)
