"""Import the official NED manipulator checkpoint (``NN_nets.pth`` / ``NN_nets_finetuned.pth``) into the FLAME space.

Layout of the official files (facts read from manipulator/models/networks.py, model.py and
checkpoint/checkpoint.py of github.com/foivospar/NED, MIT licence; nothing copied): a
``torch.save`` dict with one state dict per network under ``generator``, ``mapping_network``,
``style_encoder`` and, in training files, ``discriminator``. Within them:

* generator: ``seq1.{0,2}`` Linear(51 + 16 -> 512 -> 512), ``LSTM`` (512, 2 layers,
  bidirectional), ``seq2.{0,2,4}`` Linear(1024 -> 1024 -> 1024 -> 51); the style follows the
  frame in the concatenated input.
* style_encoder / discriminator: ``seq1.{0,2}`` Linear(51 -> 512 -> 256), ``LSTM`` (128, 2
  layers, bidirectional), ``seq2.{0,2,4}`` Linear(256 -> 128 -> 64 -> 16 or 7).
* mapping_network: ``shared.{0,2,4}`` Linear(4 -> 64 -> 64 -> 64), ``unshared.{k}.{0,2}``
  Linear(64 -> 64 -> 16) per domain.
* domains in the order neutral, angry, disgusted, fear, happy, sad, surprised; the input vector
  is DECA's jaw pose (first axis-angle component) followed by the 50 FLAME expression
  coefficients, unnormalised.

Weights saved from ``nn.DataParallel`` may carry a ``module.`` prefix, which is removed. Our
networks have the same shapes under other names; domains are reordered to ``EMOTIONS``.
"""

from __future__ import annotations

import re
from pathlib import Path

import torch

from ned_core.exceptions import CheckpointFormatError, ManipulatorConfigError, OfficialCheckpointError
from ned_core.face3d.channels import EMOTIONS
from ned_core.manipulation.checkpoint import model_from_state, read_checkpoint_file, save_checkpoint
from ned_core.manipulation.config import ManipulatorConfig
from ned_core.manipulation.model import Manipulator
from ned_core.manipulation.space import FLAME_SPACE, OFFICIAL_EMOTIONS, ExpressionSpace

OFFICIAL_NETS = ("generator", "mapping_network", "style_encoder")
_TRUNK = (("seq1.", "frame_mlp."), ("LSTM.", "lstm."), ("seq2.", "head."))


def is_official_layout(doc: dict) -> bool:
    """True when ``doc`` holds the official networks (``generator``, ``mapping_network``, ``style_encoder``)."""
    return all(isinstance(doc.get(name), dict) for name in OFFICIAL_NETS)


def _strip(state: dict) -> dict:
    return {k.removeprefix("module."): v for k, v in state.items()}


def _get(state: dict, key: str, net: str, where: str) -> torch.Tensor:
    if key not in state:
        raise OfficialCheckpointError(f"{where}: official {net} has no {key!r}; keys present: {sorted(state)[:8]} ...")
    return state[key]


def official_config(doc: dict, where: str) -> ManipulatorConfig:
    """Network sizes read from the shapes of an official checkpoint's weights."""
    g, e, m = (_strip(doc[n]) for n in ("generator", "style_encoder", "mapping_network"))
    expr_dim = _get(g, "seq2.4.weight", "generator", where).shape[0]
    first = _get(g, "seq1.0.weight", "generator", where)
    branches = {int(k.split(".")[1]) for k in m if k.startswith("unshared.")}
    try:
        return ManipulatorConfig(
            expr_dim=expr_dim,
            num_domains=len(branches),
            style_dim=first.shape[1] - expr_dim,
            latent_dim=_get(m, "shared.0.weight", "mapping_network", where).shape[1],
            mapping_hidden=m["shared.0.weight"].shape[0],
            translator_width=first.shape[0],
            translator_head=_get(g, "seq2.0.weight", "generator", where).shape[0],
            encoder_widths=(_get(e, "seq1.0.weight", "style_encoder", where).shape[0],
                            _get(e, "seq1.2.weight", "style_encoder", where).shape[0]),
            encoder_lstm=_get(e, "LSTM.weight_hh_l0", "style_encoder", where).shape[1],
            encoder_head=(_get(e, "seq2.0.weight", "style_encoder", where).shape[0],
                          _get(e, "seq2.2.weight", "style_encoder", where).shape[0]),
            lstm_layers=len([k for k in g if re.fullmatch(r"LSTM\.weight_ih_l\d+", k)]),
        )
    except ManipulatorConfigError as err:
        raise OfficialCheckpointError(f"{where}: the official weights have sizes no manipulator has ({err})") from err


def _rename(state: dict, prefix: str) -> dict:
    out = {}
    for key, value in state.items():
        for old, new in _TRUNK:
            if key.startswith(old):
                out[prefix + new + key[len(old):]] = value
                break
        else:
            out[key] = value  # an unknown key: reported by load_state_dict
    return out


def _mapping(state: dict, order: list[int]) -> dict:
    out = {k: v for k, v in state.items() if not k.startswith("unshared.")}
    for ours, theirs in enumerate(order):
        head = f"unshared.{theirs}."
        out.update({f"branches.{ours}.{k[len(head):]}": v for k, v in state.items() if k.startswith(head)})
    return out


def import_official_nets(doc: dict, where: str, emotions: tuple[str, ...] = OFFICIAL_EMOTIONS) -> Manipulator:
    """Our :class:`Manipulator` (FLAME space, domains in ``EMOTIONS`` order) with the official weights.

    Args:
        doc: the official file's dict. where: its name, for messages.
        emotions: the official run's ``selected_emotions`` (its domain order); default: all 7.

    Raises:
        OfficialCheckpointError: not the official layout, an expression size other than 51, or
            a domain count that does not match ``emotions``.
        CheckpointFormatError: a weight's name or shape does not fit.
    """
    if not is_official_layout(doc):
        raise OfficialCheckpointError(f"{where}: not an official NED manipulator checkpoint; expected the entries "
                                      f"{', '.join(OFFICIAL_NETS)}, found {', '.join(map(str, doc)) or 'none'}")
    config = official_config(doc, where)
    if config.expr_dim != FLAME_SPACE.dim:
        raise OfficialCheckpointError(f"{where}: official weights for {config.expr_dim} expression channels; "
                                      f"the official manipulator works on {FLAME_SPACE.dim} (jaw + 50 FLAME)")
    unknown = [e for e in emotions if e not in EMOTIONS]
    if unknown or len(emotions) != config.num_domains:
        raise OfficialCheckpointError(
            f"{where}: the checkpoint has {config.num_domains} emotion domains; give their names in the official "
            f"order (one of {', '.join(EMOTIONS)}), got {list(emotions)}"
        )
    ours = tuple(e for e in EMOTIONS if e in emotions)
    order = [emotions.index(e) for e in ours]  # our domain i <- official domain order[i]
    nets = {
        "translator": _rename(_strip(doc["generator"]), ""),
        "style_encoder": _rename(_strip(doc["style_encoder"]), "encoder."),
        "mapping": _mapping(_strip(doc["mapping_network"]), order),
    }
    if isinstance(doc.get("discriminator"), dict):
        d = _rename(_strip(doc["discriminator"]), "encoder.")
        for key in ("encoder.head.4.weight", "encoder.head.4.bias"):
            if key in d:
                d[key] = d[key][order]
        nets["discriminator"] = d
    space = ExpressionSpace(FLAME_SPACE.name, FLAME_SPACE.channel_names, ours)
    try:
        return model_from_state(config, space, nets, where)
    except CheckpointFormatError as e:
        raise OfficialCheckpointError(str(e)) from e


def import_official_checkpoint(source: Path | str, out: Path | str,
                               emotions: tuple[str, ...] = OFFICIAL_EMOTIONS) -> Path:
    """Convert an official NED manipulator file to a ``NedManipulator.1`` checkpoint at ``out``."""
    model = import_official_nets(read_checkpoint_file(source), str(source), emotions)
    provenance = {"created_by": "official NED import", "source": str(source), "official_emotions": list(emotions)}
    return save_checkpoint(out, model, 0, provenance)
