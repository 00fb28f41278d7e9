"""Streamlit glue of the Design page: the editable layer list and its per-layer widgets.

The rows (plain dicts, see cnnlab.design.editing) live in st.session_state["design_layers"], so
they survive page switches. Each row has a uid, and every widget key is built from it
("design_7_filters"), so a value stays with its layer when layers move. A run first pulls
the widgets' values into the rows (`sync`), then checks the design, then draws the widgets
seeded from the rows; structural changes (move, remove, insert, load) happen in callbacks,
before the next run draws anything.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import streamlit as st

from cnnlab.design import editing as design_edit

from cnnlab.design import spec
from cnnlab.design.layers import ACTIVATIONS, BY_TYPE, PADDINGS, Field, LayerType
from cnnlab.design.layers.base import PAIR_KINDS
from cnnlab.design.arithmetic import LayerStats
from cnnlab.design.table import shape_text
from cnnlab.errors import LabError
from cnnlab.classroom.limits import Limits
from cnnlab.design.presets import get_preset
from cnnlab.i18n import N_, _, ngettext, sentences
from cnnlab.design.field_bounds import bring_into_range

LAYERS_KEY = "design_layers"
INPUT_KEY = "design_input_shape"
NEXT_UID_KEY = "design_next_uid"
PUBLISHED_KEY = "design_published"  # the last design this page passed to session.set_design
IMPORT_ERROR_KEY = "design_import_error"  # (English message, its fields), shown by import_outcome
IMPORT_NOTE_KEY = "design_import_note"  # (file name, layer count), shown by import_outcome
RANGES_KEY = "design_ranges"  # widget key -> (label, low, high) of every number box drawn
CORRECTED_KEY = "design_corrected"  # uid -> what was brought into range this run
MAX_STRIDE = 8  # also the largest dilation offered
LIMIT_START = 6.0  # a cap switched on starts at ReLU6's, the one MobileNet uses
WIDGET_WIDTH = 110  # pixels: room for "activation" and a three-digit number
HELP = {  # the widgets a page adds beside the layer's own fields (whose help is in its Field)
    "square": N_("Keep kernel and stride the same in height and width."),
    "auto": N_("Windows side by side without overlap, as Keras does by default."),
}


def key(uid: int, field: str) -> str:
    """The widget key of one field of one layer, e.g. 'design_7_filters'."""
    return f"design_{uid}_{field}"


def init_state(arch: spec.Architecture) -> None:
    """Start the rows from `arch` (the last valid design) the first time, or when another page
    has chosen a different design since this page last published one (e.g. a run's design)."""
    published = st.session_state.get(PUBLISHED_KEY)
    if LAYERS_KEY not in st.session_state or (published is not None and arch != published):
        _replace(arch)
        st.session_state[PUBLISHED_KEY] = arch


def mark_published(arch: spec.Architecture) -> None:
    """Remember the design this page just handed to session.set_design."""
    st.session_state[PUBLISHED_KEY] = arch


def rows() -> list[design_edit.Row]:
    return st.session_state[LAYERS_KEY]


def input_shape() -> tuple[int, ...]:
    return tuple(st.session_state.get(INPUT_KEY, (28, 28, 1)))


def _new_uid() -> int:
    uid = st.session_state.get(NEXT_UID_KEY, 1)
    st.session_state[NEXT_UID_KEY] = uid + 1
    return uid


def _replace(arch: spec.Architecture) -> None:
    """Replace every row with `arch`'s layers, under fresh ids (old widget keys are dropped)."""
    first = st.session_state.get(NEXT_UID_KEY, 1)
    st.session_state[LAYERS_KEY] = design_edit.rows_from_arch(arch, first)
    st.session_state[NEXT_UID_KEY] = first + len(arch.layers)
    st.session_state[INPUT_KEY] = tuple(arch.input_shape)


# ---- callbacks: they run before the script, so the next run draws the changed list ----

def load_preset(preset_key: str) -> None:
    _replace(get_preset(preset_key).arch)
    st.session_state[IMPORT_ERROR_KEY] = None
    st.session_state[IMPORT_NOTE_KEY] = None


def _on_move(uid: int, step: int) -> None:
    st.session_state[LAYERS_KEY] = design_edit.move(rows(), uid, step)


def _on_remove(uid: int) -> None:
    st.session_state[LAYERS_KEY] = design_edit.remove(rows(), uid)


def _on_insert(after_uid: int | None, type_key: str) -> None:
    kind = st.session_state.get(type_key) or "Conv2D"
    new = design_edit.new_row(kind, _new_uid())
    st.session_state[LAYERS_KEY] = design_edit.insert_after(rows(), after_uid, new)


def import_bytes(name: str, data: bytes, limits: Limits) -> None:
    """Load a design file; a bad one leaves the rows alone and stores the message to show."""
    try:
        arch = design_edit.read_design_file(data, limits)
    except LabError as err:
        st.session_state[IMPORT_ERROR_KEY] = (N_("Could not load {name}: {error}"),
                                              {"name": name, "error": str(err)})
        st.session_state[IMPORT_NOTE_KEY] = None
        return
    _replace(arch)
    st.session_state[IMPORT_ERROR_KEY] = None
    st.session_state[IMPORT_NOTE_KEY] = (name, len(arch.layers))


def import_outcome() -> None:
    """The last import's error or success, in the current language (callbacks run before the
    page sets the language, so the message is kept in English and translated here)."""
    error, note = st.session_state.get(IMPORT_ERROR_KEY), st.session_state.get(IMPORT_NOTE_KEY)
    if error:
        message, fields = error
        name = fields["name"]  # a file name, or the English "the pasted JSON"
        st.error(_(message).format(error=fields["error"], name=_(name)), icon=":material/error:")
    elif note:
        name, layers = note
        st.success(ngettext("Loaded {name}: {n} layer.", "Loaded {name}: {n} layers.", layers)
                   .format(name=_(name), n=layers), icon=":material/check_circle:")


def upload_megabytes(limits: Limits) -> int:
    """The uploader's cap in Streamlit's megabytes (MiB); import_bytes checks the exact bytes."""
    return max(1, -(-limits.max_upload_bytes // 2 ** 20))


def on_upload(upload_key: str, limits: Limits) -> None:
    uploaded = st.session_state.get(upload_key)
    if uploaded is not None:
        import_bytes(uploaded.name, uploaded.getvalue(), limits)


def on_paste(text_key: str, limits: Limits) -> None:
    import_bytes(N_("the pasted JSON"), (st.session_state.get(text_key) or "").encode("utf-8"), limits)


# ---- widgets -> rows ----

def _optional(cls: type[LayerType], field: Field) -> bool:
    """True when the field may be unset (None), e.g. pooling strides that follow the pool size."""
    return next(f.default for f in dataclasses.fields(cls) if f.name == field.name) is None


def _square(row: design_edit.Row) -> bool:
    pairs = [row[f.name] for f in BY_TYPE[row["type"]].fields
             if f.kind in PAIR_KINDS and row.get(f.name) is not None]
    return all(p[0] == p[1] for p in pairs)


def _correct(uid: int) -> None:
    """Bring every out-of-range number the student typed into its box's range, in the box
    itself (before it is drawn again), and keep the sentence to show beside the layer."""
    state = st.session_state
    prefix = key(uid, "")
    for widget_key, (label, low, high) in state.get(RANGES_KEY, {}).items():
        if widget_key.startswith(prefix) and widget_key in state:
            fixed, note = bring_into_range(label, state[widget_key], low, high)
            if note:
                state[widget_key] = fixed
                state[CORRECTED_KEY].setdefault(uid, []).append(note)


def sync() -> list[design_edit.Row]:
    """Copy the values of the widgets drawn last run into the rows, each first brought into
    its box's range; return the rows."""
    state = st.session_state
    state[CORRECTED_KEY] = {}
    for row in rows():
        uid, cls = row[design_edit.UID], BY_TYPE[row["type"]]
        _correct(uid)

        def get(field: str, default: Any) -> Any:
            return state.get(key(uid, field), default)

        square = get("square", _square(row))
        window = next((row[f.name] for f in cls.fields if f.kind == "window"), None)
        for f in cls.fields:
            if f.kind == "limit":  # a toggle says whether there is a cap, a number what it is
                on = get(f"{f.name}_on", row[f.name] is not None)
                row[f.name] = get(f.name, row[f.name] or LIMIT_START) if on else None
                continue
            if f.kind not in PAIR_KINDS:
                row[f.name] = get(f.name, row[f.name])
                continue
            if _optional(cls, f) and get(f"{f.label}_auto", row[f.name] is None):
                row[f.name] = None
                continue
            base = row[f.name] or window
            h = get(f"{f.label}_h", base[0])
            row[f.name] = [h, h if square else get(f"{f.label}_w", base[1])]
    return rows()


# ---- rows -> widgets ----

def _seed(widget_key: str, value: Any) -> None:
    if widget_key not in st.session_state:
        st.session_state[widget_key] = value


def _number(label: str, uid: int, field: str, value: int, low: int, high: int,
            help_text: str) -> None:
    _seed(key(uid, field), value)  # no min/max in the box: sync() corrects it, and says so
    _remember_range(key(uid, field), label, low, high)
    st.number_input(_(label), step=1, key=key(uid, field), width=WIDGET_WIDTH,
                    help=sentences(_(help_text), _("From {low} to {high}.").format(
                        low=low, high=high)))


def _remember_range(widget_key: str, label: str, low: float, high: float | None) -> None:
    st.session_state.setdefault(RANGES_KEY, {})[widget_key] = (label, low, high)


def _pair(field: Field, uid: int, pair: list[int], low: int, high: int, square: bool) -> None:
    """One input when square ('kernel'), else two ('kernel h', 'kernel w')."""
    label, help_text = _(field.label), _(field.help)  # the keys keep the English label
    if square:
        _number(label, uid, f"{field.label}_h", pair[0], low, high, help_text)
        return
    _number(_("{label} h").format(label=label), uid, f"{field.label}_h", pair[0], low, high,
            help_text)
    _number(_("{label} w").format(label=label), uid, f"{field.label}_w", pair[1], low, high,
            help_text)


def _select(field: Field, uid: int, value: str, options: tuple[str, ...]) -> None:
    _seed(key(uid, field.name), value)
    st.selectbox(_(field.label), options, key=key(uid, field.name), help=_(field.help),
                 width=WIDGET_WIDTH)


def _toggle(label: str, uid: int, field: str, value: bool, help_text: str) -> None:
    _seed(key(uid, field), value)
    st.toggle(_(label), key=key(uid, field), help=_(help_text))


def _decimal(field: Field, uid: int, value: float | None, low: float, high: float | None,
             step: float) -> None:
    """A number with decimals; `value` None leaves the box empty (no limit)."""
    _seed(key(uid, field.name), value)
    _remember_range(key(uid, field.name), field.label, low, high)
    st.number_input(_(field.label), step=step, format="%.2f", key=key(uid, field.name),
                    help=_(field.help), width=WIDGET_WIDTH, placeholder=_("none"))


def _field(cls: type[LayerType], field: Field, row: design_edit.Row, limits: Limits,
           square: bool) -> None:
    """The widget(s) of one field, chosen by its kind."""
    uid, value = row[design_edit.UID], row[field.name]
    cap = getattr(limits, field.cap) if field.cap else MAX_STRIDE
    if field.kind == "count":
        _number(_(field.label), uid, field.name, value, 1, cap, _(field.help))
    elif field.kind in PAIR_KINDS:
        if _optional(cls, field):
            window = next(f for f in cls.fields if f.kind == "window")
            auto = st.session_state.get(key(uid, f"{field.label}_auto"), value is None)
            _toggle(f"{_(field.label)} = {_(window.label)}", uid, f"{field.label}_auto", auto,
                    HELP["auto"])
            if auto:
                return
            value = value or row[window.name]
        _pair(field, uid, value, 0 if field.kind == "border" else 1, cap, square)
    elif field.kind in ("padding", "activation"):
        _select(field, uid, value, PADDINGS if field.kind == "padding" else ACTIVATIONS)
    elif field.kind == "rate":
        _decimal(field, uid, float(value), 0.0, max(0.95, value), 0.05)
    elif field.kind == "limit":
        on = st.session_state.get(key(uid, f"{field.name}_on"), value is not None)
        _toggle("cap", uid, f"{field.name}_on", on, field.help)
        if on:
            _decimal(field, uid, value or LIMIT_START, 0.01, None, 1.0)
    else:  # flag
        _toggle(field.label, uid, field.name, value, field.help)


def _fields(row: design_edit.Row, limits: Limits) -> None:
    """The widgets of every setting of this layer's type, side by side (wrapping if narrow)."""
    uid, cls = row[design_edit.UID], BY_TYPE[row["type"]]
    if not cls.fields:
        st.caption(_("No settings: {what}.").format(what=_(cls.explanation)))
        return
    square = st.session_state.get(key(uid, "square"), _square(row))
    with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
        for field in cls.fields:
            _field(cls, field, row, limits, square)
        if any(f.kind in PAIR_KINDS for f in cls.fields):
            _toggle(N_("square"), uid, "square", square, HELP["square"])
    if cls.editor_note:
        st.caption(_(cls.editor_note))


def _type_picker(type_key: str, label: str, width: int | str = "stretch") -> str:
    """A layer-type selectbox; returns the chosen type."""
    return st.selectbox(label, list(BY_TYPE), key=type_key, width=width)


def layer_editor(index: int, row: design_edit.Row, count: int, limits: Limits,
                 stats: LayerStats | None, error: LabError | None) -> None:
    """One layer: its number, type and output, its settings, move/remove/insert buttons."""
    uid, position = row[design_edit.UID], index + 1
    with st.container(border=True):
        about, settings, actions = st.columns([1.9, 7, 1.4], vertical_alignment="center")
        name = spec.layer_name(position, BY_TYPE[row["type"]])  # reads .keras_name only
        out = ("  \n→ " + _("**{shape}** · {n} params").format(shape=shape_text(stats.output_shape),
                                                             n=f"{stats.params:,}")
               if stats is not None else "")
        about.markdown(f"**{position}. {row['type']}** `{name}`{out}")
        with settings:
            _fields(row, limits)
        with actions, st.container(horizontal=True, gap="small", horizontal_alignment="right"):
            st.button(":material/arrow_upward:", key=key(uid, "up"), help=_("Move up"),
                      disabled=index == 0, type="tertiary", on_click=_on_move, args=(uid, -1))
            st.button(":material/arrow_downward:", key=key(uid, "down"), help=_("Move down"),
                      disabled=index == count - 1, type="tertiary", on_click=_on_move,
                      args=(uid, 1))
            st.button(":material/delete:", key=key(uid, "remove"), help=_("Remove this layer"),
                      disabled=count == 1, type="tertiary", on_click=_on_remove, args=(uid,))
            with st.popover(":material/add:", help=_("Insert a layer after this one"),
                            type="tertiary"):
                kind = _type_picker(key(uid, "insert_type"), _("Insert after layer {n}").format(n=position))
                st.caption(f"{kind}: {_(BY_TYPE[kind].explanation)}.")
                st.button(_("Insert"), key=key(uid, "insert"), type="primary",
                          disabled=count >= limits.max_layers, on_click=_on_insert,
                          args=(uid, key(uid, "insert_type")))
        for note in st.session_state.get(CORRECTED_KEY, {}).get(uid, ()):
            st.warning(note, icon=":material/rule:")
        if error is not None:
            st.error(str(error), icon=":material/error:")


def add_layer_bar(count: int, limits: Limits) -> None:
    """Pick a type and add a layer at the end of the stack (up to the server's layer cap)."""
    with st.container(horizontal=True, vertical_alignment="bottom"):
        kind = _type_picker("design_add_type", _("Add a layer at the end"), width=260)
        st.button(_("Add layer"), key="design_add", on_click=_on_insert,
                  args=(None, "design_add_type"), disabled=count >= limits.max_layers,
                  help=_("This server allows up to {n} layers.").format(n=limits.max_layers))
        st.caption(f"{kind}: {_(BY_TYPE[kind].explanation)}.")
