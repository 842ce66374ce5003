"""A strict stand-in for the Fusion UIManager that Resolve gives scripts (``fusion.UIManager``, ``bmd.UIDispatcher``).

Which source each behaviour comes from: docs/host_api.md. The elements wrap Qt widgets; their properties carry
the Qt property names (``Text``, ``CurrentText``, ``Value``, ``Minimum``, ...), and a value set outside a spin
box's range is clamped, as Qt does.

Covered: ``UIManager.VGroup/HGroup/Label/Button/LineEdit/ComboBox/DoubleSpinBox/CheckBox``;
``UIDispatcher(ui)``: ``AddWindow(props, children)``, ``RunLoop()``, ``ExitLoop()``; windows: ``GetItems()``,
``Show()``, ``Hide()``, ``On.<ID>.<Event> = handler``; ComboBox ``AddItem``/``AddItems``/``Clear``.

Strictness: an unknown element property or event, a property of the wrong type, a handler for an ID the
window lacks, or a duplicate ID raise (TypeError / KeyError); ``RunLoop`` on a hidden window raises; a loop
that would wait for ever (the scripted user is done and no handler called ``ExitLoop``) raises RuntimeError.

A Label's ``Text`` is Qt rich text: ``<img src=...>`` draws an absolute local image file.

Test control (not Resolve API): ``Label.shown_images()``; :class:`Bmd` takes the scripted user's actions, each a callable given a
:class:`User` (``type``, ``choose``, ``set``, ``click``, ``close``), run in order by ``RunLoop``.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from qt_rich_text import rich_text_images

#: Properties every element has (name → accepted types).
_COMMON = {"ID": (str,), "Weight": (int, float), "ToolTip": (str,), "Enabled": (bool,), "Hidden": (bool,),
           "MinimumSize": (list,), "MaximumSize": (list,)}


class Element:
    """One UI element: typed properties, the events it sends."""

    PROPS: Dict[str, tuple] = {}
    DEFAULTS: Dict[str, Any] = {}
    EVENTS: frozenset = frozenset()

    def __init__(self, props: Optional[Dict[str, Any]] = None):
        object.__setattr__(self, "_props", {**self.DEFAULTS})
        if props is not None and not isinstance(props, dict):
            raise TypeError(f"{type(self).__name__}: properties are a dict, got {type(props).__name__}")
        for name, value in (props or {}).items():
            setattr(self, name, value)

    def __getattr__(self, name: str) -> Any:
        props = object.__getattribute__(self, "_props")
        if name in props:
            return props[name]
        if name in self.PROPS or name in _COMMON:
            return None
        raise AttributeError(f"{type(self).__name__} has no property {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        kinds = self.PROPS.get(name) or _COMMON.get(name)
        if kinds is None:
            raise TypeError(f"{type(self).__name__} has no property {name!r} (known: {sorted(self.PROPS)})")
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            raise TypeError(f"{type(self).__name__}.{name}: expected {kinds}, got {type(value).__name__}")
        self._props[name] = self._coerce(name, value)

    def _coerce(self, name: str, value: Any) -> Any:
        return value


class Label(Element):
    """A QLabel: its ``Text`` is Qt rich text when it looks like HTML (``<img src=...>`` draws a local image)."""

    PROPS = {"Text": (str,), "Alignment": (dict,), "WordWrap": (bool,)}
    DEFAULTS = {"Text": ""}

    def shown_images(self) -> List[Dict[str, Any]]:
        """Test control (not Resolve API): the images the label would draw (see ``qt_rich_text``)."""
        return rich_text_images(self.Text)


class Button(Element):
    PROPS = {"Text": (str,), "Checkable": (bool,)}
    DEFAULTS = {"Text": ""}
    EVENTS = frozenset({"Clicked", "Toggled", "Pressed", "Released"})


class CheckBox(Element):
    PROPS = {"Text": (str,), "Checked": (bool,)}
    DEFAULTS = {"Text": "", "Checked": False}
    EVENTS = frozenset({"Clicked", "Toggled"})


class LineEdit(Element):
    PROPS = {"Text": (str,), "PlaceholderText": (str,), "ReadOnly": (bool,)}
    DEFAULTS = {"Text": ""}
    EVENTS = frozenset({"TextChanged", "EditingFinished", "ReturnPressed"})


class DoubleSpinBox(Element):
    PROPS = {"Value": (int, float), "Minimum": (int, float), "Maximum": (int, float), "SingleStep": (int, float),
             "Decimals": (int,)}
    DEFAULTS = {"Value": 0.0, "Minimum": 0.0, "Maximum": 99.99, "SingleStep": 1.0, "Decimals": 2}
    EVENTS = frozenset({"ValueChanged"})

    def _coerce(self, name: str, value: Any) -> Any:
        if name in ("Value", "Minimum", "Maximum", "SingleStep"):
            value = float(value)
        if name == "Value":  # Qt clamps to the range
            value = min(max(value, self._props["Minimum"]), self._props["Maximum"])
        return value


class ComboBox(Element):
    """A pulldown: ``AddItem``; ``CurrentText`` is the chosen item (set ``CurrentIndex`` to choose)."""

    PROPS = {"CurrentIndex": (int,), "CurrentText": (str,), "Editable": (bool,)}
    EVENTS = frozenset({"CurrentIndexChanged", "CurrentTextChanged"})

    def __init__(self, props: Optional[Dict[str, Any]] = None):
        object.__setattr__(self, "_items", [])
        super().__init__(props)

    def AddItem(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"ComboBox.AddItem: expected str, got {type(text).__name__}")
        self._items.append(text)
        if len(self._items) == 1:
            self._props["CurrentIndex"] = 0

    def AddItems(self, texts: List[str]) -> None:
        for text in texts:
            self.AddItem(text)

    def Clear(self) -> None:
        self._items.clear()
        self._props.pop("CurrentIndex", None)

    def _coerce(self, name: str, value: Any) -> Any:
        if name == "CurrentText":
            raise TypeError("ComboBox.CurrentText is read-only here: set CurrentIndex")
        if name == "CurrentIndex" and not -1 <= value < len(self._items):
            raise KeyError(f"ComboBox: no item {value} (has {len(self._items)})")
        return value

    def __getattr__(self, name: str) -> Any:
        if name == "CurrentText":
            index = self._props.get("CurrentIndex", -1)
            return self._items[index] if index >= 0 else ""
        return super().__getattr__(name)


class Group(Element):
    """``ui.VGroup([children])`` or ``ui.VGroup({props}, [children])``."""

    PROPS = {"Spacing": (int,)}

    def __init__(self, props: Any = None, children: Optional[List[Element]] = None):
        if isinstance(props, list) and children is None:
            props, children = None, props
        super().__init__(props)
        if not isinstance(children, list) or not all(isinstance(child, Element) for child in children):
            raise TypeError(f"{type(self).__name__}: children are a list of UI elements")
        object.__setattr__(self, "children", children)


class VGroup(Group):
    pass


class HGroup(Group):
    pass


class UIManager:
    """``fusion.UIManager``: makes elements."""

    Label, Button, CheckBox, LineEdit = Label, Button, CheckBox, LineEdit
    DoubleSpinBox, ComboBox, VGroup, HGroup = DoubleSpinBox, ComboBox, VGroup, HGroup


class Window(Element):
    PROPS = {"WindowTitle": (str,), "Geometry": (list,), "WindowFlags": (dict,)}
    EVENTS = frozenset({"Close", "Show", "Hide"})

    def __init__(self, props: Dict[str, Any], children: List[Element]):
        super().__init__(props)
        items: Dict[str, Element] = {self.ID: self} if self.ID else {}

        def collect(element: Element) -> None:
            if element.ID:
                if element.ID in items:
                    raise KeyError(f"AddWindow: two elements with ID {element.ID!r}")
                items[element.ID] = element
            for child in getattr(element, "children", ()) if isinstance(element, Group) else ():
                collect(child)

        for child in children:
            collect(child)
        object.__setattr__(self, "_items", items)
        object.__setattr__(self, "_handlers", {})
        object.__setattr__(self, "shown", False)
        object.__setattr__(self, "On", _On(self))

    def GetItems(self) -> Dict[str, Element]:
        return dict(self._items)

    def Show(self) -> None:
        object.__setattr__(self, "shown", True)

    def Hide(self) -> None:
        object.__setattr__(self, "shown", False)

    def _fire(self, element_id: str, event: str) -> None:
        handler = self._handlers.get((element_id, event))
        if handler is not None:
            handler({"who": element_id, "what": event, "window": self.ID})


class _On:
    """``window.On.<ID>.<Event> = handler``."""

    def __init__(self, window: Window):
        object.__setattr__(self, "_window", window)

    def __getattr__(self, element_id: str) -> "_Handlers":
        if element_id not in self._window._items:
            raise KeyError(f"window has no element {element_id!r} (IDs: {sorted(self._window._items)})")
        return _Handlers(self._window, element_id)


class _Handlers:
    def __init__(self, window: Window, element_id: str):
        object.__setattr__(self, "_window", window)
        object.__setattr__(self, "_id", element_id)

    def __setattr__(self, event: str, handler: Callable[[Dict[str, Any]], Any]) -> None:
        element = self._window._items[self._id]
        if event not in element.EVENTS:
            raise KeyError(f"{type(element).__name__} {self._id!r} sends no {event!r} event "
                           f"(it sends {sorted(element.EVENTS)})")
        if not callable(handler):
            raise TypeError(f"On.{self._id}.{event}: a handler is callable")
        self._window._handlers[(self._id, event)] = handler


class User:
    """Test control: what the person at the dialog does (each call fires the events the widget would)."""

    def __init__(self, window: Window):
        self.window = window

    def _item(self, element_id: str, kind: type) -> Any:
        element = self.window._items[element_id]
        if not isinstance(element, kind):
            raise TypeError(f"{element_id!r} is a {type(element).__name__}, not a {kind.__name__}")
        return element

    def type(self, element_id: str, text: str) -> None:
        self._item(element_id, LineEdit).Text = text
        self.window._fire(element_id, "TextChanged")

    def choose(self, element_id: str, text: str) -> None:
        box = self._item(element_id, ComboBox)
        box.CurrentIndex = box._items.index(text)
        self.window._fire(element_id, "CurrentIndexChanged")

    def set(self, element_id: str, value: float) -> None:
        self._item(element_id, DoubleSpinBox).Value = value
        self.window._fire(element_id, "ValueChanged")

    def tick(self, element_id: str, checked: bool) -> None:
        self._item(element_id, CheckBox).Checked = checked
        self.window._fire(element_id, "Clicked")

    def click(self, element_id: str) -> None:
        self._item(element_id, Button)
        self.window._fire(element_id, "Clicked")

    def close(self) -> None:
        self.window._fire(self.window.ID, "Close")


class UIDispatcher:
    def __init__(self, ui: UIManager, actions: List[Callable[[User], Any]]):
        if not isinstance(ui, UIManager):
            raise TypeError("bmd.UIDispatcher(ui): ui is fusion.UIManager")
        self._actions, self._windows, self._running = list(actions), [], False

    def AddWindow(self, props: Dict[str, Any], children: Any) -> Window:
        window = Window(props, children if isinstance(children, list) else [children])
        self._windows.append(window)
        return window

    def RunLoop(self) -> int:
        shown = [window for window in self._windows if window.shown]
        if not shown:
            raise RuntimeError("RunLoop with no window shown: nothing could ever end the loop")
        self._running = True
        while self._running:
            if not self._actions:
                raise RuntimeError("the dialog would wait for ever: the user is done and no handler called ExitLoop")
            self._actions.pop(0)(User(shown[-1]))
        return 0

    def ExitLoop(self, code: int = 0) -> None:
        self._running = False


class Bmd:
    """``bmd``: ``bmd.UIDispatcher(ui)``; the dispatcher plays the scripted ``actions``."""

    def __init__(self, actions: List[Callable[[User], Any]]):
        self.actions = actions

    def UIDispatcher(self, ui: UIManager) -> UIDispatcher:
        return UIDispatcher(ui, self.actions)


class Fusion:
    """``fusion``: its ``UIManager``."""

    def __init__(self) -> None:
        self.UIManager = UIManager()
