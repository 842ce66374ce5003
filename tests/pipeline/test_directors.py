"""One list of directors: the pipeline builds from it, `ned render` offers it, the node advertises it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ned_core.cli.options import render_options
from ned_core.direct import EmotionPriorDirector
from ned_core.direct.config import DirectConfig
from ned_core.exceptions import RenderJobError
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.directing import make_director
from ned_core.pipeline.directors import DIRECTORS, DirectorBuild, director_names
from ned_core.pipeline.frame_render import READ_HEADROOM, window_growth
from ned_core.pipeline.request import RenderRequest
from ned_core.render.config import RenderConfig
from ned_node.capabilities import directors
from ned_node.config import NodeConfig


def _director_choice() -> list[str]:
    def command(**kwargs):
        return kwargs

    for option in render_options:
        command = option(command)
    return next(p for p in command.__click_params__ if p.name == "director").type.choices


def test_cli_node_and_pipeline_share_the_list():
    assert list(_director_choice()) == list(DIRECTORS) == ["prior", "learned"]
    assert director_names(with_checkpoint=False) == ("prior",)
    node = NodeConfig(state_dir=Path("/tmp/unused"))
    assert directors(node) == ("prior",)
    assert directors(replace(node, manipulator=Path("/tmp/m.pt"))) == director_names() == tuple(DIRECTORS)


def test_make_director_uses_the_registry():
    request = RenderRequest(source="s.####.exr", out_dir="out", emotion="happy")
    assert isinstance(make_director(request, NedConfig(), models=None), EmotionPriorDirector)
    with pytest.raises(RenderJobError, match="unknown director 'sketchy'; choose one of prior, learned"):
        make_director(replace(request, director="sketchy"), NedConfig(), models=None)
    with pytest.raises(RenderJobError, match="--director learned needs --checkpoint"):
        make_director(replace(request, director="learned"), NedConfig(), models=None)
    assert isinstance(DIRECTORS["prior"].build(DirectorBuild(DirectConfig())), EmotionPriorDirector)


def test_window_growth_follows_the_render_and_composite_configs():
    config = NedConfig()
    assert window_growth(config) == 0.75  # the default configs: fade band 0.2 + plate margin 0.15 + headroom
    wider = replace(config, render=RenderConfig(fade_margin=0.5))
    assert window_growth(wider) == pytest.approx(0.5 + config.composite.margin + READ_HEADROOM)
    assert window_growth(replace(config, composite=replace(config.composite, margin=0.4))) == pytest.approx(
        config.render.fade_margin + 0.4 + READ_HEADROOM)
