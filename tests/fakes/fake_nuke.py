"""A strict stand-in for the subset of Nuke's ``nuke`` module that plugin_nuke uses (installed as ``nuke``).

Covered API (names and signatures as in Nuke 15/16's Python API):

- ``nodes.<Class>(**knobs)`` for Group, Input, Output, Read, Write, Merge2, Shuffle, Switch, Grade;
  ``toNode``, ``allNodes``, ``delete``, ``thisNode``, ``root``, ``execute``, ``executeInMainThread``,
  ``ProgressTask``, ``menu(...).addCommand``, ``pluginAddPath``, ``addOnCreate``, ``message``,
  ``scriptSave``, ``scriptOpen``, ``scriptClear``, ``GUI``, ``NUKE_VERSION_MAJOR``.
- Node: ``name``, ``Class``, ``knob``, ``[name]``, ``knobs``, ``addKnob``, ``setInput``, ``input``, ``inputs``,
  ``begin``/``end``, ``node`` (child by name), ``nodes``, ``firstFrame``/``lastFrame``, ``width``/``height``.
- Knobs: Tab_Knob, Text_Knob, String_Knob, File_Knob, Enumeration_Knob, Double_Knob (animatable),
  Int_Knob, Boolean_Knob, PyScript_Knob (``execute`` runs its script with ``thisNode()`` set).

Strictness (what real Nuke rejects or where it misbehaves raises here):
- ``node["unknown"]`` raises NameError (``node.knob("unknown")`` returns None, as in Nuke); creating a
  node with an unknown knob keyword raises NameError; an unknown node class raises RuntimeError.
- ``setValue`` with the wrong type raises TypeError; an enumeration value not in its list raises ValueError.
- Creating, deleting, connecting nodes and setting knobs off the main thread raises RuntimeError
  (Nuke crashes or corrupts the script there); ``executeInMainThread`` queues the call until the test
  "runs the event loop" with :func:`run_main_thread_tasks`. In terminal mode (``GUI = False``) there is
  no event loop, so ``executeInMainThread`` raises.
- ``execute`` really renders Write nodes to EXR (OpenImageIO) from Read / Grade / Input chains.

Test controls (not Nuke API): :func:`reset`, :func:`run_main_thread_tasks`, ``progress_tasks``,
``messages``, ``menus``, ``plugin_paths``.
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

GUI = True
NUKE_VERSION_MAJOR = 15

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
    def __init__(self, name: str, label: Optional[str] = None, text: str = ""):
        super().__init__(name, label)
        self._value = self._check(text)


class String_Knob(Knob):
    def __init__(self, name: str, label: Optional[str] = None, text: str = ""):
        super().__init__(name, label)
        self._value = self._check(text)


class File_Knob(String_Knob):
    pass


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

#: Built-in knobs (name → knob factory) of each node class this fake knows.
_CLASSES: Dict[str, Dict[str, Callable[[str], Knob]]] = {
    "Group": {},
    "Input": {"number": Int_Knob},
    "Output": {},
    "Read": {"file": File_Knob, "first": Int_Knob, "last": Int_Knob, "origfirst": Int_Knob, "origlast": Int_Knob,
             "on_error": lambda n: Enumeration_Knob(n, n, ["error", "black", "checkerboard", "nearest frame"]),
             "raw": Boolean_Knob, "colorspace": String_Knob, "reload": PyScript_Knob},
    "Write": {"file": File_Knob, "file_type": lambda n: Enumeration_Knob(n, n, [" ", "exr", "png", "tiff", "dpx"]),
              "channels": lambda n: Enumeration_Knob(n, n, ["rgb", "rgba", "all"]),
              "datatype": lambda n: Enumeration_Knob(n, n, ["16 bit half", "32 bit float"]),
              "compression": lambda n: Enumeration_Knob(n, n, ["none", "Zip (1 scanline)", "PIZ Wavelet (32 scanlines)"]),
              "create_directories": Boolean_Knob},
    "Merge2": {"operation": lambda n: Enumeration_Knob(n, n, ["over", "plus", "copy", "mask", "screen"]),
               "maskChannelInput": String_Knob, "also_merge": String_Knob, "mix": Double_Knob},
    "Shuffle": {"in": String_Knob, "red": String_Knob, "green": String_Knob, "blue": String_Knob,
                "alpha": String_Knob},
    "Switch": {"which": Double_Knob},
    "Grade": {"white": Double_Knob},
}
_INPUTS = {"Group": 1, "Input": 0, "Output": 1, "Read": 0, "Write": 1, "Merge2": 3, "Shuffle": 1, "Switch": 4,
           "Grade": 1}


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
        if cls == "Merge2":
            self._knobs["mix"]._value = 1.0

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

    def width(self) -> int:
        return _image(self, self.firstFrame()).shape[1]

    def height(self) -> int:
        return _image(self, self.firstFrame()).shape[0]

    def _range(self) -> tuple:
        if self._class == "Read":
            return self["first"].value(), self["last"].value()
        upstream = _upstream(self)
        if upstream is None:
            return root()["first_frame"].value(), root()["last_frame"].value()
        return upstream._range()

    def _knob_changed(self, knob: Knob) -> None:
        pass


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
        if cls not in _CLASSES:
            raise RuntimeError(f"nuke.nodes.{cls}: unknown node class (this fake knows {sorted(_CLASSES)})")

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
    for name, value in knobs.items():
        node[name].setValue(value)  # NameError on an unknown knob, TypeError on a wrong type
    group._children.append(node)
    for callback, args, kwargs, node_class in _on_create:
        if node_class in (None, cls):
            _this.append(node)
            try:
                callback(*args, **kwargs)
            finally:
                _this.pop()
    return node


nodes = _NodeFactory()


def toNode(name: str) -> Optional[Node]:
    node: Optional[Node] = _ROOT_GROUP
    for part in name.split("."):
        node = node.node(part) if node is not None else None
    return node


def allNodes(filter: Optional[str] = None, group: Optional[Node] = None) -> List[Node]:
    return [n for n in (group or _context[-1]).nodes() if filter is None or n.Class() == filter]


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
        path = re.sub(r"#+", lambda m: f"{frame:0{len(m.group())}d}", node["file"].value())
        path = re.sub(r"%0?(\d*)d", lambda m: f"{frame:0{m.group(1) or 1}d}", path)
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
    """Renders a Write node for frames ``start..end`` (EXR, half, RGBA) in the calling thread."""
    _main_thread_only("execute")
    if not isinstance(node, Node) or node.Class() != "Write":
        raise ValueError("execute expects a Write node")
    for value in (start, end, incr):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"execute: frame numbers must be int, got {type(value).__name__}")
    for frame in range(start, end + 1, incr):
        pixels = _image(node.input(0), frame)
        path = re.sub(r"#+", lambda m: f"{frame:0{len(m.group())}d}", node["file"].value())
        if node["create_directories"].value():
            os.makedirs(os.path.dirname(path), exist_ok=True)
        out = oiio.ImageOutput.create(path)
        spec = oiio.ImageSpec(pixels.shape[1], pixels.shape[0], 4, "half")
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


def addOnCreate(call: Callable, args: tuple = (), kwargs: Optional[dict] = None,
                nodeClass: Optional[str] = None) -> None:
    _on_create.append((call, args, kwargs or {}, nodeClass))


def message(text: str) -> None:
    if not GUI:
        raise RuntimeError("nuke.message opens a dialog: not available in terminal mode")
    messages.append(text)


def _save_node(node: Node) -> dict:
    user = [(k.name(), type(k).__name__, k.label(), k._state()) for k in node._knobs.values()
            if k.name() != "name" and k.name() not in _CLASSES[node._class]]
    return {"class": node._class, "name": node.name(), "user": user,
            "knobs": {k: node._knobs[k]._state() for k in _CLASSES[node._class]},
            "inputs": [i.name() if i is not None else None for i in node._inputs],
            "children": [_save_node(child) for child in node._children]}


def scriptSave(path: str) -> None:
    with open(path, "w") as file:
        json.dump(_save_node(_ROOT_GROUP), file)


def scriptClear() -> None:
    global _ROOT_GROUP
    _ROOT_GROUP = _new_root()
    _context[:] = [_ROOT_GROUP]


def scriptOpen(path: str) -> None:
    """Loads a script saved by :func:`scriptSave`; onCreate callbacks run for every node, as in Nuke."""
    scriptClear()
    with open(path) as file:
        saved = json.load(file)
    _load_children(_ROOT_GROUP, saved)


def _load_children(group: Node, saved: dict) -> None:
    made = {}
    group.begin()
    try:
        for child in saved["children"]:
            node = Node(child["class"], group, child["name"])
            for name, cls, label, state in child["user"]:
                knob = Enumeration_Knob(name, label, ["-"]) if cls == "Enumeration_Knob" else globals()[cls](name, label)
                node.addKnob(knob)
                knob._restore(state)
            for name, state in child["knobs"].items():
                node[name]._restore(state)
            group._children.append(node)
            made[child["name"]] = (node, child)
            _load_children(node, child)
        for node, child in made.values():
            node._inputs = [made[i][0] if i else None for i in child["inputs"]]
        for node, _ in made.values():
            for callback, args, kwargs, node_class in _on_create:
                if node_class in (None, node.Class()):
                    _this.append(node)
                    try:
                        callback(*args, **kwargs)
                    finally:
                        _this.pop()
    finally:
        group.end()


def _new_root() -> Node:
    node = Node.__new__(Node)
    node._class, node._parent, node._inputs, node._knobs, node._children = "Group", None, [], {}, []
    for knob in (String_Knob("name"), Int_Knob("frame"), Int_Knob("first_frame"), Int_Knob("last_frame")):
        knob.node = node
        node._knobs[knob.name()] = knob
    node._knobs["name"]._value = "root"
    node._knobs["frame"]._value, node._knobs["first_frame"]._value, node._knobs["last_frame"]._value = 1, 1, 100
    return node


def reset(gui: bool = True) -> None:
    """Test control: an empty script, no callbacks, menus, tasks or messages; GUI or terminal mode."""
    global GUI
    GUI = gui
    scriptClear()
    _on_create.clear()
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
progress_tasks: List[ProgressTask] = []
messages: List[str] = []
menus: Dict[str, _Menu] = {}
plugin_paths: List[str] = []
