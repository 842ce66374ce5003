"""Each action unit moves its own part of the face, in the anatomical direction, and nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis.regions import FACE_OVAL, LEFT_BROW, LEFT_EYE, LIPS_INNER, LIPS_OUTER, RIGHT_BROW, RIGHT_EYE
from ned_core.face3d import CHANNEL_INDEX, CHANNEL_NAMES, CHANNELS

SIGN = {"L": 1.0, "R": -1.0}  # template x of the subject's left / right
EYES = {"L": LEFT_EYE, "R": RIGHT_EYE}
BROWS = {"L": LEFT_BROW, "R": RIGHT_BROW}


def side_of(name: str) -> str | None:
    return name[-1] if name[-2:] in ("_L", "_R") else None


@pytest.fixture(scope="module")
def groups(basis) -> dict[str, np.ndarray]:
    """Vertex groups taken straight from MediaPipe's index sets (independent of the basis code)."""
    t = basis.template
    lips = np.array(sorted(set(LIPS_OUTER) | set(LIPS_INNER)))
    centre_y = t[list(LIPS_INNER), 1].mean()
    corner_x = np.abs(t[list(LIPS_OUTER), 0]).max()
    middle = np.abs(t[lips, 0]) < 0.5 * corner_x
    out = {
        "upper_lip": lips[middle & (t[lips, 1] < centre_y)],
        "lower_lip": lips[middle & (t[lips, 1] > centre_y)],
        "upper_inner": np.array([i for i in LIPS_INNER if t[i, 1] < centre_y and abs(t[i, 0]) < 0.5 * corner_x]),
        "lower_inner": np.array([i for i in LIPS_INNER if t[i, 1] > centre_y and abs(t[i, 0]) < 0.5 * corner_x]),
        "chin": np.array([i for i in FACE_OVAL if t[i, 1] > t[list(FACE_OVAL), 1].max() - 0.15]),
        "chin_boss": np.flatnonzero(
            (np.abs(t[:, 0]) < 0.15)
            & (t[:, 1] > t[list(LIPS_OUTER), 1].max() + 0.05)
            & (t[:, 1] < t[list(FACE_OVAL), 1].max() - 0.1)
        ),
        "lips": lips,
    }
    for s, sign in SIGN.items():
        eye = np.array(EYES[s])
        eye_y = t[eye, 1].mean()
        inner_third = np.abs(t[eye, 0] - t[eye, 0].mean()) < 0.5 * np.ptp(t[eye, 0]) / 3 * 2
        out[f"upper_lid_{s}"] = eye[(t[eye, 1] < eye_y) & inner_third]
        out[f"lower_lid_{s}"] = eye[(t[eye, 1] > eye_y) & inner_third]
        brow = np.array(BROWS[s])
        ax = np.abs(t[brow, 0])
        out[f"brow_inner_{s}"] = brow[ax <= np.quantile(ax, 0.3)]
        out[f"brow_outer_{s}"] = brow[ax >= np.quantile(ax, 0.7)]
        out[f"brow_{s}"] = brow
        outer = np.array(LIPS_OUTER)
        out[f"corner_{s}"] = outer[sign * t[outer, 0] == np.max(sign * t[outer, 0])]
    out["eyes_brows"] = np.concatenate([out["brow_L"], out["brow_R"], np.array(LEFT_EYE), np.array(RIGHT_EYE)])
    return out


def mean_move(basis, name: str, group: np.ndarray) -> np.ndarray:
    """``(3,)`` mean displacement of a vertex group under channel ``name`` at activation 1."""
    return basis.displacements[CHANNEL_INDEX[name]][group].mean(axis=0)


def peak(basis, name: str, group: np.ndarray) -> float:
    return float(np.linalg.norm(basis.displacements[CHANNEL_INDEX[name]][group], axis=1).max())


def test_basis_shape_and_order(basis):
    assert basis.displacements.shape == (27, 468, 3)
    assert basis.channel_names == CHANNEL_NAMES
    assert np.all(np.isfinite(basis.displacements))
    # template space: eye centres at (+-0.5, 0, 0), so one unit is the inter-ocular distance
    left = basis.template[list(LEFT_EYE)].mean(axis=0)
    right = basis.template[list(RIGHT_EYE)].mean(axis=0)
    np.testing.assert_allclose(left - right, [1.0, 0.0, 0.0], atol=1e-9)


@pytest.mark.parametrize("name", CHANNEL_NAMES)
def test_unit_energy_stays_in_its_region(basis, name):
    k = CHANNEL_INDEX[name]
    energy = np.sum(basis.displacements[k] ** 2, axis=1)
    support = basis.support(k)
    assert energy.sum() > 0
    assert energy[support].sum() / energy.sum() >= 0.95, basis.channel_regions[k]
    assert np.sqrt(energy[~support].max()) < 0.02  # < 2 % IOD anywhere outside its regions
    side = side_of(name)
    if side:
        wrong_side = SIGN[side] * basis.template[:, 0] < 0
        assert np.sqrt(energy[wrong_side].max(initial=0.0)) < 1e-9  # nothing moves on the other half


@pytest.mark.parametrize("name", [c.name for c in CHANNELS if c.name.endswith("_L")])
def test_left_unit_is_mirror_of_right_unit(basis, name):
    left = basis.displacements[CHANNEL_INDEX[name]]
    right = basis.displacements[CHANNEL_INDEX[name[:-1] + "R"]]
    np.testing.assert_allclose(left[basis.mirror] * [-1.0, 1.0, 1.0], right, atol=1e-6)


def _expect(basis, groups, name):  # noqa: C901 - one anatomical statement per unit
    s = side_of(name)
    sign = SIGN.get(s, 0.0)
    m = lambda g: mean_move(basis, name, groups[g])  # noqa: E731
    base = name[:-2] if s else name
    if base == "jaw_open":
        assert m("lower_lip")[1] > 0.2 and m("chin")[1] > 0.15  # lower lip and chin drop
        assert m("chin")[2] > 0.1  # and swing back
        assert peak(basis, name, groups["upper_inner"]) < 0.01 and peak(basis, name, groups["eyes_brows"]) == 0
    elif base == "brow_inner_up":
        assert m(f"brow_inner_{s}")[1] < -0.05 and m(f"brow_inner_{s}")[1] < 2 * m(f"brow_outer_{s}")[1]
    elif base == "brow_outer_up":
        assert m(f"brow_outer_{s}")[1] < -0.05 and m(f"brow_outer_{s}")[1] < 2 * m(f"brow_inner_{s}")[1]
    elif base == "brow_lower":
        assert m(f"brow_{s}")[1] > 0.02 and -sign * m(f"brow_{s}")[0] > 0.01  # down and towards the midline
    elif base == "upper_lid_raise":
        assert m(f"upper_lid_{s}")[1] < -0.04 and peak(basis, name, groups[f"lower_lid_{s}"]) < 1e-9
    elif base == "blink":
        gap = basis.template[groups[f"lower_lid_{s}"], 1].mean() - basis.template[groups[f"upper_lid_{s}"], 1].mean()
        closed = gap - m(f"upper_lid_{s}")[1] + m(f"lower_lid_{s}")[1]
        assert closed < 0.1 * gap  # the lids (nearly) meet
    elif base == "lid_tighten":
        assert m(f"lower_lid_{s}")[1] < -0.03 and abs(m(f"upper_lid_{s}")[1]) < 0.02
    elif base == "cheek_raise":
        assert m(f"lower_lid_{s}")[1] < -0.01 and peak(basis, name, groups["lips"]) < 1e-9
    elif base == "nose_wrinkle":
        assert m("upper_lip")[1] < -0.01 and peak(basis, name, groups["lower_lip"]) < 1e-9
    elif base == "upper_lip_raise":
        assert m("upper_lip")[1] < -0.05 and peak(basis, name, groups["lower_lip"]) < 1e-9
    elif base == "lip_corner_pull":
        corner = m(f"corner_{s}")
        assert corner[1] < -0.05 and sign * corner[0] > 0.05  # up and out, along the zygomatic
    elif base == "lip_corner_depress":
        assert m(f"corner_{s}")[1] > 0.05
    elif base == "lip_stretch":
        corner = m(f"corner_{s}")
        assert sign * corner[0] > 0.08 and abs(corner[1]) < 0.3 * sign * corner[0]  # sideways
    elif base == "chin_raise":
        assert m("chin_boss")[1] < -0.03 and m("lower_lip")[1] < -0.03
        assert peak(basis, name, groups["upper_inner"]) < 1e-9
    elif base == "lip_tighten":
        assert m("upper_lip")[1] > 0.0 and m("lower_lip")[1] < 0.0  # both reds narrow towards the slit
        assert m("corner_L")[0] < 0 < m("corner_R")[0]  # the corners draw in
    elif base == "lip_press":
        assert m("upper_inner")[1] > 0.02 and m("lower_inner")[1] < -0.02
    elif base == "lips_part":
        assert m("upper_inner")[1] < -0.03 and m("lower_inner")[1] > 0.05 and peak(basis, name, groups["chin"]) < 1e-9
    else:
        pytest.fail(f"no anatomical expectation for {name}")


@pytest.mark.parametrize("name", CHANNEL_NAMES)
def test_unit_moves_its_anatomy(basis, groups, name):
    _expect(basis, groups, name)


def test_rigid_vertices_cover_the_upper_face(basis):
    rigid = basis.rigid_weights(0.01) > 0
    assert 100 <= rigid.sum() <= 300
    y = basis.template[rigid, 1]
    assert y.min() < -0.5 and np.ptp(basis.template[rigid, 0]) > 1.5  # forehead and temples included
    assert not rigid[list(LIPS_OUTER)].any() and not rigid[list(LEFT_EYE)[3:6]].any()  # lips, mid lower lid
