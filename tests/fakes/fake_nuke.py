"""A strict stand-in for the subset of Nuke's ``nuke`` module that plugin_nuke uses (installed as ``nuke``).

Which Nuke version and which source each behaviour comes from: docs/host_api.md (the one place).
:func:`reset` picks the faked version (``NUKE_VERSION_MAJOR`` 14-17); the default is 17, the strictest.

Covered API:

- ``nodes.<Class>(**knobs)`` for Group, Input, Output, Read, Write, Merge2, Shuffle2, Switch, Grade, and the
  legacy Shuffle on Nuke < 17; ``toNode``, ``allNodes``, ``delete``, ``thisNode``, ``root``, ``execute``,
  ``executeInMainThread``, ``ProgressTask``, ``menu(...).addCommand``, ``pluginAddPath``, ``addOnCreate``,
  ``addOnScriptLoad``, ``Layer``, ``layers``, ``message``, ``scriptSave``, ``scriptOpen``, ``scriptClear``,
  ``GUI``, ``NUKE_VERSION_MAJOR``, ``rawArgs``.
- Node: ``name``, ``Class``, ``knob``, ``[name]``, ``knobs``, ``addKnob``, ``setInput``, ``input``, ``inputs``,
  ``begin``/``end``, ``node`` (child by name), ``nodes``, ``firstFrame``/``lastFrame``, ``width``/``height``.
- Knobs: Tab_Knob, Text_Knob, String_Knob, File_Knob (``fromUserText``), Enumeration_Knob, Double_Knob
  (animatable, ``setRange`` of its slider), Int_Knob, Boolean_Knob, PyScript_Knob (``execute`` runs its script
  with ``thisNode()`` set),
  Channel_Knob / ChannelMask_Knob (only known layers), Format_Knob, the Shuffle2 ``mappings`` knob.

Strictness (what real Nuke rejects or where it misbehaves raises here):
- ``node["unknown"]`` raises NameError (``node.knob("unknown")`` returns None, as in Nuke); creating a
  node with an unknown knob keyword raises NameError; an unknown node class raises RuntimeError.
  Keyword knobs are applied in sorted name order (Nuke documents no order), so a knob that exists only
  after another is set (the Write's ``datatype`` after ``file_type=exr``) cannot be given as a keyword.
- ``setValue`` with the wrong type raises TypeError; an enumeration value not in its list raises ValueError.
- Channel and layer knobs raise ValueError for a layer or channel Nuke does not know: a new layer must be
  made with ``nuke.Layer`` first (a saved script remembers it, as the ``add_layer`` lines of a .nk do).
- A Read's ``format`` changes only through ``file.fromUserText`` (which reads the first file's display
  window); ``file.setValue`` leaves the format at the project's.
- On ``scriptOpen`` a Group's onCreate runs before its children exist; ``onScriptLoad`` runs after the
  whole script is loaded.
- Creating, deleting, connecting nodes, setting knobs and opening a ``message`` dialog off the main thread raises
  RuntimeError
  (Nuke crashes or corrupts the script there); ``executeInMainThread`` queues the call until the test
  "runs the event loop" with :func:`run_main_thread_tasks`. In terminal mode (``GUI = False``) there is
  no event loop, so ``executeInMainThread`` raises.
- ``execute`` really renders Write nodes to EXR (OpenImageIO) from Read / Grade / Input chains, in the
  Write's ``datatype``.

- A Text_Knob's text is Qt rich text: ``<img src=...>`` draws an absolute local image file (an empty box for a
  missing one).

Test controls (not Nuke API): :func:`reset`, :func:`run_main_thread_tasks`, ``progress_tasks``,
``messages``, ``menus``, ``plugin_paths``, ``Text_Knob.shown_images``.
"""

from __future__ import annotations

import json
import os
import queue
import re
import threading
from typing import Any, Callable, Dict, List, Optional

import numpy as np
import OpenImageIO as oiio
from qt_rich_text import rich_text_images

GUI = True
NUKE_VERSION_MAJOR = 17
#: Nuke's whole command line (``nuke -t`` sessions keep a last numeric argument out of ``sys.argv``).
rawArgs: List[str] = []

_MAIN = threading.main_thread()


def _main_thread_only(what: str) -> None:
    if threading.current_thread() is not _MAIN:
        raise RuntimeError(f"nuke: {what} called from thread {threading.current_thread().name!r}: "
                           "Nuke's node graph may only be changed from the main thread (use executeInMainThread)")


# ----------------------------------------------------------------------------------------------- knobs


class Knob:
    """Base knob: a name, a label, flags, a value of one Python type."""

    _types: tuple = (str,)
    _default: Any = ""

    def __init__(self, name: str, label: Optional[str] = None, *args: Any):
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise TypeError(f"{type(self).__name__}: knob name must be an identifier string, got {name!r}")
        if label is not None and not isinstance(label, str):
            raise TypeError(f"{type(self).__name__}: label must be a string, got {label!r}")
        self._name, self._label, self._value, self.flags = name, label or name, self._default, set()
        self.node: Optional[Node] = None

    def name(self) -> str:
        return self._name

    def label(self) -> str:
        return self._label

    def setFlag(self, flag: int) -> None:
        if not isinstance(flag, int):
            raise TypeError("setFlag expects an int flag")
        self.flags.add(flag)

    def _check(self, value: Any) -> Any:
        if isinstance(value, bool) and bool not in self._types or not isinstance(value, self._types):
            raise TypeError(f"{type(self).__name__} {self._name!r}: setValue expects "
                            f"{' or '.join(t.__name__ for t in self._types)}, got {type(value).__name__}")
        return value

    def setValue(self, value: Any) -> bool:
        _main_thread_only(f"{self._name}.setValue")
        self._value = self._check(value)
        if self.node is not None:
            self.node._knob_changed(self)
        return True

    def value(self) -> Any:
        return self._value

    getValue = value

    def _state(self) -> Any:
        return self._value

    def _restore(self, state: Any) -> None:
        self._value = state


class Tab_Knob(Knob):
    pass


class Text_Knob(Knob):
    """Its text is shown as Qt rich text: ``<img src="/abs/path.jpg" width=.. height=..>`` shows a local image file
    (a missing or unreadable file shows as an empty box, as in Qt)."""

    def __init__(self, name: str, label: Optional[str] = None, text: str = ""):
        super().__init__(name, label)
        self._value = self._check(text)

    def shown_images(self) -> List[Dict[str, Any]]:
        """Test control (not Nuke API): the images the panel would draw, ``{path, width, height, pixels}``, pixels
        None where Qt would draw an empty box (missing file, relative path, not an image)."""
        return rich_text_images(self._value)


class String_Knob(Knob):
    def __init__(self, name: str, label: Optional[str] = None, text: str = ""):
        super().__init__(name, label)
        self._value = self._check(text)


class File_Knob(String_Knob):
    def fromUserText(self, text: str) -> None:
        """Sets the path as if typed into the panel: ``path [first-last]``; on a Read this also sets the frame
        range and reads the first file's header for the ``format`` (what ``setValue`` does not do)."""
        _main_thread_only(f"{self._name}.fromUserText")
        if not isinstance(text, str):
            raise TypeError(f"File_Knob {self._name!r}: fromUserText expects str, got {type(text).__name__}")
        match = re.fullmatch(r"(.*?)(?:\s+(-?\d+)-(-?\d+))?", text.strip())
        self.setValue(match.group(1))
        if self.node is not None and self.node._class == "Read" and self._name == "file":
            frames = (int(match.group(2)), int(match.group(3))) if match.group(2) else None
            self.node._read_header(frames)


class Boolean_Knob(Knob):
    _types, _default = (bool, int), False

    def __init__(self, name: str, label: Optional[str] = None, value: bool = False):
        super().__init__(name, label)
        self._value = bool(self._check(value))

    def setValue(self, value: Any) -> bool:
        return super().setValue(bool(self._check(value)))


class Int_Knob(Knob):
    _types, _default = (int,), 0


class Double_Knob(Knob):
    """A float knob; animatable. Between keys the curve is linear here (Nuke's default is smooth)."""

    _types, _default = (float, int), 0.0

    def __init__(self, name: str, label: Optional[str] = None):
        super().__init__(name, label)
        self._keys: Dict[float, float] = {}
        self._expression = ""

    def setRange(self, minimum: Any, maximum: Any) -> None:
        """The slider's range (Array_Knob.setRange); as in Nuke, values outside it can still be typed in."""
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (minimum, maximum)) \
                or not minimum < maximum:
            raise TypeError(f"setRange: expects two numbers minimum < maximum, got {minimum!r}, {maximum!r}")
        self.range = (float(minimum), float(maximum))

    def setExpression(self, expression: str) -> bool:
        """Only ``parent.<knob>`` links are evaluated by this fake (an enumeration gives its index)."""
        _main_thread_only(f"{self._name}.setExpression")
        if not isinstance(expression, str) or not re.fullmatch(r"parent\.[A-Za-z_]\w*", expression):
            raise TypeError(f"setExpression: this fake evaluates only 'parent.<knob>', got {expression!r}")
        self._expression = expression
        return True

    def hasExpression(self) -> bool:
        return bool(self._expression)

    def setValue(self, value: Any) -> bool:
        self._keys.clear()
        return super().setValue(float(self._check(value)))

    def setAnimated(self) -> bool:
        _main_thread_only(f"{self._name}.setAnimated")
        self._keys = self._keys or {float(root()["frame"].value()): self._value}
        return True

    def isAnimated(self) -> bool:
        return bool(self._keys)

    def setValueAt(self, value: Any, time: Any) -> bool:
        _main_thread_only(f"{self._name}.setValueAt")
        if not isinstance(time, (int, float)) or isinstance(time, bool):
            raise TypeError(f"setValueAt: time must be a number, got {type(time).__name__}")
        self._keys[float(time)] = float(self._check(value))
        return True

    def getValueAt(self, time: Any) -> float:
        if not isinstance(time, (int, float)) or isinstance(time, bool):
            raise TypeError(f"getValueAt: time must be a number, got {type(time).__name__}")
        if not self._keys:
            return self._value
        times = sorted(self._keys)
        return float(np.interp(float(time), times, [self._keys[t] for t in times]))

    def value(self) -> float:
        if self._expression:
            linked = self.node._parent[self._expression.split(".")[1]]
            value = linked.value()
            return float(linked.values().index(value) if isinstance(linked, Enumeration_Knob) else value)
        return self.getValueAt(root()["frame"].value()) if self._keys else self._value

    getValue = value

    def _state(self) -> Any:
        return {"value": self._value, "keys": sorted(self._keys.items()), "expression": self._expression}

    def _restore(self, state: Any) -> None:
        self._value, self._keys = state["value"], {float(t): v for t, v in state["keys"]}
        self._expression = state["expression"]


class Enumeration_Knob(Knob):
    """A pulldown; value() is the selected item's text."""

    def __init__(self, name: str, label: Optional[str], items: List[str]):
        super().__init__(name, label)
        self._items: List[str] = []
        self.setValues(items)

    def setValues(self, items: List[str]) -> None:
        if self.node is not None:
            _main_thread_only(f"{self._name}.setValues")
        if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items) or not items:
            raise TypeError(f"Enumeration_Knob {self._name!r}: setValues expects a non-empty list of str")
        self._items = list(items)
        if self._value not in self._items:
            self._value = self._items[0]

    def values(self) -> List[str]:
        return list(self._items)

    def setValue(self, value: Any) -> bool:
        if isinstance(value, int) and not isinstance(value, bool):
            if not 0 <= value < len(self._items):
                raise ValueError(f"Enumeration_Knob {self._name!r}: index {value} out of range")
            value = self._items[value]
        if not isinstance(value, str):
            raise TypeError(f"Enumeration_Knob {self._name!r}: setValue expects str or int")
        if value not in self._items:
            raise ValueError(f"Enumeration_Knob {self._name!r}: {value!r} is not one of {self._items}")
        return super().setValue(value)

    def _state(self) -> Any:
        return {"items": self._items, "value": self._value}

    def _restore(self, state: Any) -> None:
        self._items, self._value = state["items"], state["value"]


#: Layers every Nuke session knows (name → channels); ``nuke.Layer`` adds to :data:`_layers`.
_DEFAULT_LAYERS: Dict[str, List[str]] = {
    "rgba": ["rgba.red", "rgba.green", "rgba.blue", "rgba.alpha"],
    "rgb": ["rgba.red", "rgba.green", "rgba.blue"], "alpha": ["rgba.alpha"], "depth": ["depth.Z"],
    "forward": ["forward.u", "forward.v"], "backward": ["backward.u", "backward.v"],
    "motion": ["forward.u", "forward.v", "backward.u", "backward.v"], "mask": ["mask.a"],
}


def _known_channel(name: str) -> bool:
    return any(name in channels for channels in _layers.values())


class Channel_Knob(Knob):
    """One channel (``"facemask.alpha"``) or ``"none"``; channels of unknown layers raise ValueError."""

    _default = "none"

    def _check(self, value: Any) -> Any:
        value = super()._check(value)
        if value != "none" and not _known_channel(value):
            raise ValueError(f"Channel_Knob {self._name!r}: no channel {value!r} (layers: {sorted(_layers)}); "
                             "create its layer with nuke.Layer first")
        return value


class ChannelMask_Knob(Knob):
    """A set of channels: a layer name, one channel, ``"all"`` or ``"none"``; unknown ones raise ValueError."""

    _default = "none"

    def _check(self, value: Any) -> Any:
        value = super()._check(value)
        if value not in ("none", "all") and value not in _layers and not _known_channel(value):
            raise ValueError(f"ChannelMask_Knob {self._name!r}: no layer or channel {value!r} "
                             f"(layers: {sorted(_layers)}); create the layer with nuke.Layer first")
        return value


class Format:
    """An image format: ``width()``, ``height()``, ``name()``."""

    def __init__(self, width: int, height: int, name: str = ""):
        self._width, self._height, self._name = width, height, name

    def width(self) -> int:
        return self._width

    def height(self) -> int:
        return self._height

    def name(self) -> str:
        return self._name


class Format_Knob(Knob):
    _types = (Format,)

    def _state(self) -> Any:
        return [self._value.width(), self._value.height(), self._value.name()]

    def _restore(self, state: Any) -> None:
        self._value = Format(*state)


class _Mappings_Knob(Knob):
    """Shuffle2's ``mappings``: a list of ``(input, from_channel, to_channel)`` (or ``(from, to)`` for input 0);
    value() gives the 3-tuples. Channels must exist ("black"/"white" may be a source)."""

    _types, _default = (list, tuple), ()

    def _check(self, value: Any) -> Any:
        value = super()._check(value)
        mappings = []
        for entry in value:
            if not isinstance(entry, tuple) or len(entry) not in (2, 3):
                raise TypeError(f"mappings: entries are (from, to) or (input, from, to) tuples, got {entry!r}")
            source_input, source, target = entry if len(entry) == 3 else (0, *entry)
            if source_input not in (0, 1) or not isinstance(source, str) or not isinstance(target, str):
                raise TypeError(f"mappings: bad entry {entry!r}")
            for channel in (source, target):
                if channel not in ("black", "white") and not _known_channel(channel):
                    raise ValueError(f"mappings: no channel {channel!r}; create its layer with nuke.Layer first")
            mappings.append((source_input, source, target))
        return tuple(mappings)

    def value(self) -> List[tuple]:
        return list(self._value)

    getValue = value

    def _state(self) -> Any:
        return [list(m) for m in self._value]

    def _restore(self, state: Any) -> None:
        self._value = tuple(tuple(m) for m in state)


class PyScript_Knob(Knob):
    """A button; ``execute()`` runs its Python script with ``nuke.thisNode()`` = the knob's node."""

    def __init__(self, name: str, label: Optional[str] = None, script: str = ""):
        super().__init__(name, label)
        self._value = self._check(script)

    def execute(self) -> None:
        _main_thread_only(f"{self._name}.execute")
        _this.append(self.node)
        try:
            exec(compile(self._value, f"<knob {self._name}>", "exec"), {"nuke": _module()})
        finally:
            _this.pop()


INVISIBLE, DISABLED, STARTLINE = 0x400, 0x80, 0x1000

# ----------------------------------------------------------------------------------------------- nodes

def _enum(*items: str) -> Callable[[str], Knob]:
    return lambda name: Enumeration_Knob(name, name, list(items))


#: Built-in knobs (name → knob factory) of each node class this fake knows.
_CLASSES: Dict[str, Dict[str, Callable[[str], Knob]]] = {
    "Group": {},
    "Input": {"number": Int_Knob},
    "Output": {},
    "Read": {"file": File_Knob, "format": Format_Knob, "first": Int_Knob, "last": Int_Knob, "origfirst": Int_Knob,
             "origlast": Int_Knob, "on_error": _enum("error", "black", "checkerboard", "nearest frame"),
             "raw": Boolean_Knob, "colorspace": String_Knob, "reload": PyScript_Knob},
    "Write": {"file": File_Knob, "file_type": _enum(" ", "exr", "png", "tiff", "dpx"),
              "channels": ChannelMask_Knob, "create_directories": Boolean_Knob},
    "Merge2": {"operation": _enum("over", "plus", "copy", "mask", "screen"),
               "maskChannelInput": Channel_Knob, "also_merge": ChannelMask_Knob, "mix": Double_Knob},
    "Shuffle2": {"in1": ChannelMask_Knob, "in2": ChannelMask_Knob, "out1": ChannelMask_Knob,
                 "out2": ChannelMask_Knob, "mappings": _Mappings_Knob},
    "Shuffle": {"in": ChannelMask_Knob, "out": ChannelMask_Knob,
                **{c: _enum("red", "green", "blue", "alpha", "black", "white") for c in ("red", "green", "blue", "alpha")}},
    "Switch": {"which": Double_Knob},
    "Grade": {"white": Double_Knob},
}
#: Knobs a Write has only while its ``file_type`` is exr (Nuke adds the file format's knobs).
_EXR_KNOBS: Dict[str, Callable[[str], Knob]] = {
    "datatype": _enum("16 bit half", "32 bit float"),
    "compression": _enum("none", "Zip (1 scanline)", "PIZ Wavelet (32 scanlines)", "DWAA"),
}
_INPUTS = {"Group": 1, "Input": 0, "Output": 1, "Read": 0, "Write": 1, "Merge2": 3, "Shuffle2": 2, "Shuffle": 1,
           "Switch": 4, "Grade": 1}


def _classes() -> List[str]:
    """Node classes of the faked version: the legacy Shuffle is gone in Nuke 17 (its Shuffle is Shuffle2)."""
    return [cls for cls in _CLASSES if not (cls == "Shuffle" and NUKE_VERSION_MAJOR >= 17)]


def _frame_file(pattern: str, frame: int) -> str:
    path = re.sub(r"#+", lambda m: f"{frame:0{len(m.group())}d}", pattern)
    return re.sub(r"%0?(\d*)d", lambda m: f"{frame:0{m.group(1) or 1}d}", path)


class Node:
    """A node: built-in knobs of its class, user knobs added with addKnob, inputs; a Group holds children."""

    def __init__(self, cls: str, parent: Optional["Node"], name: str):
        self._class, self._parent, self._inputs = cls, parent, [None] * _INPUTS[cls]
        self._knobs: Dict[str, Knob] = {}
        self._children: List[Node] = []
        self.addKnob(String_Knob("name"))
        self._knobs["name"]._value = name
        for knob_name, factory in _CLASSES[cls].items():
            self.addKnob(factory(knob_name))
        self._builtin = set(self._knobs)
        if cls == "Merge2":
            self._knobs["mix"]._value = 1.0
        if cls == "Read":
            self._knobs["format"]._value = root()["format"].value()  # the project format until a file is read

    def name(self) -> str:
        return self._knobs["name"].value()

    def fullName(self) -> str:
        return self.name() if self._parent is _ROOT_GROUP else f"{self._parent.fullName()}.{self.name()}"

    def Class(self) -> str:
        return self._class

    def knob(self, name: str) -> Optional[Knob]:
        return self._knobs.get(name)

    def knobs(self) -> Dict[str, Knob]:
        return dict(self._knobs)

    def __getitem__(self, name: str) -> Knob:
        if name not in self._knobs:
            raise NameError(f"knob {name!r} does not exist on {self.name()} ({self._class})")
        return self._knobs[name]

    def addKnob(self, knob: Knob) -> None:
        _main_thread_only("addKnob")
        if not isinstance(knob, Knob):
            raise TypeError(f"addKnob expects a knob, got {type(knob).__name__}")
        if knob.name() in self._knobs:
            raise ValueError(f"{self.name() if 'name' in self._knobs else self._class}: knob {knob.name()!r} exists")
        knob.node = self
        self._knobs[knob.name()] = knob

    def setInput(self, index: int, node: Optional["Node"]) -> bool:
        _main_thread_only("setInput")
        if not isinstance(index, int) or not 0 <= index < len(self._inputs):
            raise IndexError(f"{self.name()} ({self._class}) has no input {index!r}")
        if node is not None and not isinstance(node, Node):
            raise TypeError("setInput expects a node or None")
        self._inputs[index] = node
        return True

    def input(self, index: int) -> Optional["Node"]:
        return self._inputs[index] if 0 <= index < len(self._inputs) else None

    def inputs(self) -> int:
        return sum(node is not None for node in self._inputs)

    def begin(self) -> "Node":
        _main_thread_only("begin")
        _context.append(self)
        return self

    def end(self) -> None:
        if _context[-1] is not self:
            raise RuntimeError(f"{self.name()}.end() without a matching begin()")
        _context.pop()

    def __enter__(self) -> "Node":
        return self.begin()

    def __exit__(self, *exc: Any) -> None:
        self.end()

    def node(self, name: str) -> Optional["Node"]:
        return next((child for child in self._children if child.name() == name), None)

    def nodes(self) -> List["Node"]:
        return list(self._children)

    def firstFrame(self) -> int:
        return self._range()[0]

    def lastFrame(self) -> int:
        return self._range()[1]

    def format(self) -> Format:
        """A Read's ``format`` knob; other nodes pass their input's on (the project format without one)."""
        if self._class == "Read":
            return self["format"].value()
        upstream = _upstream(self)
        return root()["format"].value() if upstream is None else upstream.format()

    def width(self) -> int:
        return self.format().width()

    def height(self) -> int:
        return self.format().height()

    def _range(self) -> tuple:
        if self._class == "Read":
            return self["first"].value(), self["last"].value()
        upstream = _upstream(self)
        if upstream is None:
            return root()["first_frame"].value(), root()["last_frame"].value()
        return upstream._range()

    def _knob_changed(self, knob: Knob) -> None:
        if self._class == "Write" and knob.name() == "file_type":
            self._file_type_knobs()

    def _file_type_knobs(self) -> None:
        """A Write has the EXR knobs only while its file type is exr."""
        exr = self["file_type"].value() == "exr"
        for name, factory in _EXR_KNOBS.items():
            if exr and name not in self._knobs:
                self.addKnob(factory(name))
                self._builtin.add(name)
            elif not exr and name in self._knobs:
                del self._knobs[name]
                self._builtin.discard(name)

    def _read_header(self, frames: Optional[tuple]) -> None:
        """``file.fromUserText`` on a Read: the typed frame range, and the format of the first file."""
        if frames is not None:
            for name, value in zip(("first", "last", "origfirst", "origlast"), frames + frames):
                self[name].setValue(value)
        inp = oiio.ImageInput.open(_frame_file(self["file"].value(), self["first"].value()))
        if inp is not None:
            spec = inp.spec()
            inp.close()
            self["format"].setValue(Format(spec.full_width, spec.full_height))


def _upstream(node: Node) -> Optional[Node]:
    if node._class == "Input":
        group = node._parent
        return group.input(node["number"].value()) if group is not _ROOT_GROUP else None
    return node.input(0)


def _module() -> Any:
    import sys
    return sys.modules[__name__]


class _NodeFactory:
    """``nuke.nodes.Read(file=...)``: creates a node of a known class in the current group."""

    def __getattr__(self, cls: str) -> Callable[..., Node]:
        if cls not in _classes():
            raise RuntimeError(f"nuke.nodes.{cls}: unknown node class in Nuke {NUKE_VERSION_MAJOR} "
                               f"(this fake knows {sorted(_classes())})")

        def create(**knobs: Any) -> Node:
            _main_thread_only(f"nuke.nodes.{cls}")
            return _create(cls, knobs)
        return create


def _create(cls: str, knobs: Dict[str, Any]) -> Node:
    group = _context[-1]
    count = 1
    while group.node(f"{cls}{count}") is not None:
        count += 1
    node = Node(cls, group, knobs.pop("name", f"{cls}{count}"))
    if group.node(node.name()) is not None:
        raise ValueError(f"a node named {node.name()!r} exists in {group.name()}")
    for name in sorted(knobs):  # Nuke documents no order for keyword knobs
        node[name].setValue(knobs[name])  # NameError on an unknown knob, TypeError on a wrong type
    group._children.append(node)
    _run_callbacks(_on_create, node)
    return node


def _run_callbacks(callbacks: List[tuple], node: Node) -> None:
    for callback, args, kwargs, node_class in list(callbacks):
        if node_class in ("*", node.Class()):
            _this.append(node)
            try:
                callback(*args, **kwargs)
            finally:
                _this.pop()


nodes = _NodeFactory()


def toNode(name: str) -> Optional[Node]:
    node: Optional[Node] = _ROOT_GROUP
    for part in name.split("."):
        node = node.node(part) if node is not None else None
    return node


def allNodes(filter: Optional[str] = None, group: Optional[Node] = None, recurseGroups: bool = False) -> List[Node]:
    found = []
    for node in (group or _context[-1]).nodes():
        if filter is None or node.Class() == filter:
            found.append(node)
        if recurseGroups and node.Class() == "Group":
            found += allNodes(filter, node, True)
    return found


def delete(node: Node) -> None:
    _main_thread_only("delete")
    node._parent._children.remove(node)


def thisNode() -> Node:
    if not _this:
        raise RuntimeError("nuke.thisNode() called outside a knob script or callback")
    return _this[-1]


def root() -> Node:
    return _ROOT_GROUP


# ----------------------------------------------------------------------------------------------- execution

def _image(node: Optional[Node], frame: int) -> np.ndarray:
    """``(H, W, 4) float32`` RGBA of ``node`` at ``frame`` (Read, Grade, Input pass-through)."""
    if node is None:
        raise RuntimeError("execute: an input is not connected")
    if node._class == "Read":
        first, last = node["first"].value(), node["last"].value()
        if not first <= frame <= last:
            raise RuntimeError(f"{node.name()}: frame {frame} outside {first}-{last}")
        path = _frame_file(node["file"].value(), frame)
        inp = oiio.ImageInput.open(path)
        if inp is None:
            raise RuntimeError(f"{node.name()}: cannot read {path}: {oiio.geterror()}")
        pixels = inp.read_image(0, 0, 0, min(inp.spec().nchannels, 4), "float")
        inp.close()
        rgba = np.ones(pixels.shape[:2] + (4,), np.float32)
        rgba[..., :pixels.shape[2]] = pixels
        return rgba
    if node._class == "Grade":
        rgba = _image(node.input(0), frame).copy()
        rgba[..., :3] *= node["white"].value()
        return rgba
    if node._class in ("Input", "Output"):
        return _image(_upstream(node), frame)
    raise RuntimeError(f"execute: this fake cannot evaluate {node._class} nodes")


def execute(node: Any, start: int, end: int, incr: int = 1) -> None:
    """Renders a Write node for frames ``start..end`` (EXR RGBA in its ``datatype``) in the calling thread."""
    _main_thread_only("execute")
    if not isinstance(node, Node) or node.Class() != "Write":
        raise ValueError("execute expects a Write node")
    for value in (start, end, incr):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"execute: frame numbers must be int, got {type(value).__name__}")
    if node.knob("datatype") is None:
        raise RuntimeError(f"{node.name()}: this fake writes only file_type exr")
    for frame in range(start, end + 1, incr):
        pixels = _image(node.input(0), frame)
        path = _frame_file(node["file"].value(), frame)
        if node["create_directories"].value():
            os.makedirs(os.path.dirname(path), exist_ok=True)
        out = oiio.ImageOutput.create(path)
        spec = oiio.ImageSpec(pixels.shape[1], pixels.shape[0], 4,
                              "half" if node["datatype"].value() == "16 bit half" else "float")
        if out is None or not out.open(path, spec) or not out.write_image(pixels):
            raise RuntimeError(f"{node.name()}: cannot write {path}: {oiio.geterror()}")
        out.close()


_main_queue: "queue.Queue" = queue.Queue()


def executeInMainThread(call: Callable, args: Any = (), kwargs: Optional[dict] = None) -> None:
    if not GUI:
        raise RuntimeError("executeInMainThread: there is no event loop in terminal mode (nuke -t)")
    if not callable(call) or not isinstance(args, tuple):
        raise TypeError("executeInMainThread(callable, args=tuple, kwargs=dict)")
    _main_queue.put((call, args, kwargs or {}))


def run_main_thread_tasks() -> int:
    """Test control: runs the queued main-thread calls (the event loop); returns how many ran."""
    _main_thread_only("run_main_thread_tasks")
    count = 0
    while True:
        try:
            call, args, kwargs = _main_queue.get_nowait()
        except queue.Empty:
            return count
        call(*args, **kwargs)
        count += 1


class ProgressTask:
    """Nuke's progress bar; thread-safe in Nuke (designed to be updated from worker threads)."""

    def __init__(self, message: str):
        if not isinstance(message, str):
            raise TypeError("ProgressTask(message: str)")
        self.message, self.progress, self.cancelled, self.closed = message, 0, False, False
        progress_tasks.append(self)

    def setMessage(self, message: str) -> None:
        if not isinstance(message, str):
            raise TypeError("setMessage(str)")
        self.message = message

    def setProgress(self, percent: int) -> None:
        if not isinstance(percent, int) or isinstance(percent, bool) or not 0 <= percent <= 100:
            raise TypeError(f"setProgress expects an int 0..100, got {percent!r}")
        self.progress = percent

    def isCancelled(self) -> bool:
        return self.cancelled

    def __del__(self) -> None:
        self.closed = True


# ----------------------------------------------------------------------------------------------- session

class _Menu:
    def __init__(self, name: str):
        self.name, self.commands = name, {}

    def addCommand(self, name: str, command: Any = None, shortcut: str = "", icon: str = "") -> None:
        if not isinstance(name, str) or not (command is None or isinstance(command, str) or callable(command)):
            raise TypeError("addCommand(name: str, command: str | callable)")
        self.commands[name] = command


def menu(name: str) -> _Menu:
    if name not in ("Nuke", "Nodes", "Pane", "Viewer", "Node Graph"):
        raise RuntimeError(f"nuke.menu: no menu named {name!r}")
    return menus.setdefault(name, _Menu(name))


def pluginAddPath(path: str) -> None:
    if not isinstance(path, str):
        raise TypeError("pluginAddPath(str)")
    plugin_paths.append(path)


def addOnCreate(call: Callable, args: tuple = (), kwargs: Optional[dict] = None, nodeClass: str = "*") -> None:
    _on_create.append((call, args, kwargs or {}, nodeClass))


def addOnScriptLoad(call: Callable, args: tuple = (), kwargs: Optional[dict] = None, nodeClass: str = "Root") -> None:
    """Runs ``call`` after a script is loaded (``thisNode()`` is the root)."""
    _on_script_load.append((call, args, kwargs or {}, nodeClass))


class Layer:
    """``nuke.Layer(name, channels)``: registers a layer (``"facemask"``, ``["facemask.alpha"]``) for this session."""

    def __init__(self, name: str, channels: Optional[List[str]] = None):
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise TypeError(f"nuke.Layer: a layer name is an identifier, got {name!r}")
        channels = list(channels or [])
        if not all(isinstance(c, str) and re.fullmatch(rf"{name}\.[A-Za-z_]\w*", c) for c in channels):
            raise ValueError(f"nuke.Layer: channels of layer {name!r} are named '{name}.<channel>', got {channels}")
        known = _layers.setdefault(name, [])
        known += [c for c in channels if c not in known]
        self._name = name

    def name(self) -> str:
        return self._name

    def channels(self) -> List[str]:
        return list(_layers[self._name])

    def visible(self) -> bool:
        return True


def layers(node: Optional[Node] = None) -> List[str]:
    """Names of the layers this session knows."""
    return list(_layers)


def message(text: str) -> None:
    """A modal dialog: main thread only (a worker thread reports through ``executeInMainThread``)."""
    _main_thread_only("message")
    if not GUI:
        raise RuntimeError("nuke.message opens a dialog: not available in terminal mode")
    messages.append(text)


def _save_node(node: Node) -> dict:
    user = [(k.name(), type(k).__name__, k.label(), k._state()) for k in node._knobs.values()
            if k.name() not in node._builtin]
    return {"class": node._class, "name": node.name(), "user": user,
            "knobs": {k: node._knobs[k]._state() for k in node._knobs if k != "name" and k in node._builtin},
            "inputs": [i.name() if i is not None else None for i in node._inputs],
            "children": [_save_node(child) for child in node._children]}


def scriptSave(path: str) -> None:
    """Saves the script; layers made with nuke.Layer are saved with it (a .nk's ``add_layer`` lines)."""
    saved = _save_node(_ROOT_GROUP)
    saved["layers"] = {name: channels for name, channels in _layers.items() if name not in _DEFAULT_LAYERS}
    with open(path, "w") as file:
        json.dump(saved, file)


def scriptClear() -> None:
    global _ROOT_GROUP
    _ROOT_GROUP = _new_root()
    _context[:] = [_ROOT_GROUP]


def scriptOpen(path: str) -> None:
    """Loads a script saved by :func:`scriptSave` in .nk order: each node is created with its knobs and inputs
    and gets its onCreate callbacks, then a Group's children follow (so a Group's onCreate runs before its
    children exist); onScriptLoad callbacks run when the whole script is loaded."""
    scriptClear()
    with open(path) as file:
        saved = json.load(file)
    for name, channels in saved["layers"].items():
        Layer(name, channels)
    _load_children(_ROOT_GROUP, saved)
    _run_callbacks(_on_script_load, _ROOT_GROUP)


def _load_children(group: Node, saved: dict) -> None:
    made: Dict[str, Node] = {}
    group.begin()
    try:
        for child in saved["children"]:
            node = Node(child["class"], group, child["name"])
            for name, state in child["knobs"].items():
                if name not in node._knobs:  # a knob its class adds once another is set (Write: exr knobs)
                    node._file_type_knobs()
                node[name]._restore(state)
            for name, cls, label, state in child["user"]:
                knob = Enumeration_Knob(name, label, ["-"]) if cls == "Enumeration_Knob" else globals()[cls](name, label)
                node.addKnob(knob)
                knob._restore(state)
            node._inputs = [made.get(i) if i else None for i in child["inputs"]]  # the nodes above it
            group._children.append(node)
            made[child["name"]] = node
            _run_callbacks(_on_create, node)
            _load_children(node, child)
        for child in saved["children"]:
            made[child["name"]]._inputs = [made[i] if i else None for i in child["inputs"]]
    finally:
        group.end()


def _new_root() -> Node:
    node = Node.__new__(Node)
    node._class, node._parent, node._inputs, node._knobs, node._children = "Root", None, [], {}, []
    for knob in (String_Knob("name"), Int_Knob("frame"), Int_Knob("first_frame"), Int_Knob("last_frame"),
                 Format_Knob("format")):
        knob.node = node
        node._knobs[knob.name()] = knob
    node._knobs["name"]._value = "root"
    node._knobs["frame"]._value, node._knobs["first_frame"]._value, node._knobs["last_frame"]._value = 1, 1, 100
    node._knobs["format"]._value = Format(2048, 1556, "2K_Super_35(full-ap)")
    node._builtin = set(node._knobs)
    return node


def reset(gui: bool = True, version: int = 17) -> None:
    """Test control: a new session of Nuke ``version`` (14-17), GUI or terminal mode: an empty script, the
    default layers, no callbacks, menus, tasks or messages."""
    global GUI, NUKE_VERSION_MAJOR
    if version not in (14, 15, 16, 17):
        raise ValueError(f"this fake models Nuke 14-17, not {version}")
    GUI, NUKE_VERSION_MAJOR = gui, version
    _layers.clear()
    _layers.update({name: list(channels) for name, channels in _DEFAULT_LAYERS.items()})
    scriptClear()
    _on_create.clear()
    _on_script_load.clear()
    progress_tasks.clear()
    messages.clear()
    menus.clear()
    plugin_paths.clear()
    while not _main_queue.empty():
        _main_queue.get_nowait()


_ROOT_GROUP = _new_root()
_context: List[Node] = [_ROOT_GROUP]
_this: List[Node] = []
_on_create: List[tuple] = []
_on_script_load: List[tuple] = []
_layers: Dict[str, List[str]] = {name: list(channels) for name, channels in _DEFAULT_LAYERS.items()}
progress_tasks: List[ProgressTask] = []
messages: List[str] = []
menus: Dict[str, _Menu] = {}
plugin_paths: List[str] = []
