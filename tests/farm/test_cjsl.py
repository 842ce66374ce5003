"""The OpenCue job specification `ned farm opencue` writes keeps the rules of Cuebot's CJSL 1.15 DTD.

Cuebot validates a submitted spec against ``cjsl-1.15.dtd``. That file ships only inside Cuebot (OpenCue's
``cuebot/src/main/resources/public/dtd/``), in no Python package (pyoutline, pycue, RQD), and the project copies
no public spec files; so this test checks the DTD's rules as read from it: each element's children in the declared
order and counts, text-only leaves, the declared attributes only, required attributes present, enumerated values
(layer ``type``, ``depend`` ``type``) and NMTOKEN names. Validation against the DTD itself needs a Cuebot.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("outline", reason="OpenCue's pyoutline (the farm and dev extras)")

from ned_core.farm.job import FarmJob  # noqa: E402
from ned_core.farm.opencue import outline_xml  # noqa: E402

DOCTYPE = '<!DOCTYPE spec PUBLIC "SPI Cue  Specification Language" "http://localhost:8080/spcue/dtd/cjsl-1.15.dtd">'
#: children of each element with element content, in order (``?`` at most one, ``*`` any, ``+`` one or more)
CHILDREN = {
    "spec": "facility? dept? show shot user email? uid? job* depends*",
    "job": "paused? priority? maxretries? maxcores? maxgpus? autoeat? localbook? os? env* layers?",
    "layers": "layer+",
    "layer": "cmd range chunk cores? threadable? memory? gpus? gpu? gpu_memory? timeout? timeout_llu? tags? limits? "
             "env* services? outputs*",
    "limits": "limit+", "services": "service+", "outputs": "output*", "env": "key*", "depends": "depend*",
    "depend": "depjob deplayer? depframe? onjob onlayer? onframe?",
}


def _sequence(model: str) -> re.Pattern:
    """A content model as a regex over ``<tag>`` tokens."""
    return re.compile("".join(f"(?:<{token.rstrip('?*+')}>){token[-1] if token[-1] in '?*+' else ''}"
                              for token in model.split()))


#: text-only elements (no child elements)
LEAVES = {"facility", "dept", "show", "shot", "user", "email", "uid", "paused", "priority", "maxretries", "maxcores",
          "maxgpus", "autoeat", "os", "localbook", "cmd", "range", "chunk", "cores", "threadable", "memory", "gpus",
          "gpu", "gpu_memory", "timeout", "timeout_llu", "tags", "service", "output", "limit", "key", "depjob",
          "onjob", "deplayer", "onlayer", "depframe", "onframe"}
DEPEND_TYPES = {"LAYER_ON_SIM_FRAME", "PREVIOUS_FRAME", "JOB_ON_JOB", "JOB_ON_LAYER", "JOB_ON_FRAME", "LAYER_ON_JOB",
                "LAYER_ON_FRAME", "LAYER_ON_LAYER", "FRAME_ON_JOB", "FRAME_ON_LAYER", "FRAME_ON_FRAME",
                "FRAME_BY_FRAME"}
NMTOKEN = re.compile(r"[\w.:-]+")
#: attribute -> (required, check) of each element that has attributes; no other element may have any
ATTRIBUTES = {
    "job": {"name": (True, NMTOKEN.fullmatch)},
    "layer": {"name": (True, NMTOKEN.fullmatch), "type": (True, {"Render", "Util", "Post"}.__contains__)},
    "localbook": {name: (True, NMTOKEN.fullmatch) for name in ("host", "cores", "memory", "threads", "gpu")},
    "output": {"name": (True, NMTOKEN.fullmatch)},
    "key": {"name": (True, NMTOKEN.fullmatch)},
    "depend": {"type": (True, DEPEND_TYPES.__contains__), "anyframe": (False, NMTOKEN.fullmatch)},
}


def cjsl_problems(spec: str) -> list[str]:
    """Where ``spec`` breaks the CJSL 1.15 rules above (empty: it keeps them)."""
    head, _, body = spec.partition("?>")
    if not body.startswith(DOCTYPE):
        return [f"document type is not CJSL 1.15: {body[:120]!r}"]
    root = ET.fromstring(body[len(DOCTYPE):])
    problems = [] if root.tag == "spec" else [f"root element <{root.tag}>, expected <spec>"]
    for element in root.iter():
        tag, children = element.tag, list(element)
        if tag not in CHILDREN and tag not in LEAVES:
            problems.append(f"<{tag}> is not a CJSL element")
        elif tag in LEAVES and children:
            problems.append(f"<{tag}> holds elements ({', '.join(c.tag for c in children)}); it takes text only")
        elif tag in CHILDREN and not _sequence(CHILDREN[tag]).fullmatch("".join(f"<{c.tag}>" for c in children)):
            problems.append(f"<{tag}> children {[c.tag for c in children]} do not match ({CHILDREN[tag]})")
        declared = ATTRIBUTES.get(tag, {})
        problems += [f"<{tag}> has undeclared attribute {name!r}" for name in element.attrib if name not in declared]
        for name, (required, valid) in declared.items():
            value = element.get(name)
            if value is None:
                problems += [f"<{tag}> lacks required attribute {name!r}"] if required else []
            elif not valid(value):
                problems.append(f"<{tag} {name}={value!r}>: not an allowed value")
    return problems


@pytest.fixture(scope="module")
def spec() -> str:
    job = FarmJob("NED sh010 (v001)", "/shows/abc/sh010/plate.####.exr", tuple(range(1001, 1065)), "/shows/out",
                  "/shows/cache", 24, render_args=("--emotion", "happy:0.8", "--keys", "/shows/k e y s.json"),
                  preview=True, report=True, report_args=("--target", "happy"))
    return outline_xml(job, "abc show")


def test_the_job_keeps_the_cjsl_rules_and_its_layers_chain(spec):
    assert cjsl_problems(spec) == []
    root = ET.fromstring(spec.partition("?>")[2][len(DOCTYPE):])
    job = root.find("job")
    assert job.get("name") == "NED_sh010_v001" and root.findtext("show") == "abc_show"
    layers = {layer.get("name"): (layer.findtext("range"), layer.findtext("chunk")) for layer in job.iter("layer")}
    assert layers == {"analysis": ("1001", "1"), "render": ("1001-1064", "24"), "preview": ("1001", "1"),
                      "report": ("1001", "1")}
    depends = [(d.get("type"), d.findtext("depjob"), d.findtext("deplayer"), d.findtext("onlayer"))
               for d in root.iter("depend")]
    assert depends == [("LAYER_ON_LAYER", job.get("name"), "render", "analysis"),
                       ("LAYER_ON_LAYER", job.get("name"), "preview", "render"),
                       ("LAYER_ON_LAYER", job.get("name"), "report", "render")]


@pytest.mark.parametrize("broken, says", [
    (("<range>1001-1064</range><chunk>24</chunk>", "<chunk>24</chunk><range>1001-1064</range>"), "do not match"),
    (('<layer name="render" type="Render">', '<layer name="render">'), "lacks required attribute 'type'"),
    (('<layer name="render" type="Render">', '<layer name="render" type="Shell">'), "not an allowed value"),
    (('<job name="NED_sh010_v001">', '<job name="NED sh010">'), "not an allowed value"),
    (("<show>abc_show</show>", "<show>abc_show</show><show>x</show>"), "do not match"),
    (("<chunk>24</chunk>", '<chunk unit="frames">24</chunk>'), "undeclared attribute 'unit'"),
    (("cjsl-1.15.dtd", "cjsl-1.16.dtd"), "document type is not CJSL 1.15"),
])
def test_the_check_finds_each_kind_of_break(spec, broken, says):
    old, new = broken
    assert old in spec
    problems = cjsl_problems(spec.replace(old, new, 1))
    assert len(problems) == 1 and says in problems[0], problems
