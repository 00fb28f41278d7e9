"""Design: build a CNN layer by layer and see every shape, parameter and cost as you edit."""

import streamlit as st

from cnnlab.codegen import generate as codegen

from cnnlab.design import editing as design_edit
from cnnlab.design.arithmetic import analyze
from cnnlab.design.table import (baseline_ratio, baseline_sentence, shape_steps, shape_text,
                                 table_rows, totals)
from cnnlab.errors import LabError
from cnnlab.plots.network import network_figure
from cnnlab.design.presets import PRESETS, get_preset
from ui import design as editor
from ui import language
from ui import resources
from ui import session
from cnnlab.i18n import _
from ui import workspace

owner = session.student_id()
limits = resources.settings().limits

st.title(_("Design your CNN"))
st.write(_("Stack layers, change their settings and watch the shapes, parameters and costs follow. "
         "Every number below is exact: it is what Keras reports for this model."))

# 1. Start from a preset (only the button replaces the layers, so edits are never lost by accident)
editor.init_state(session.design())
with st.container(border=True):
    pick, load = st.columns([4, 1], vertical_alignment="bottom")
    preset_key = pick.selectbox(_("Start from a preset"), list(PRESETS), key="design_preset",
                                format_func=lambda k: _(PRESETS[k].title))
    load.button(_("Load preset"), key="design_load_preset", type="primary", width="stretch",
                on_click=editor.load_preset, args=(preset_key,),
                help=_("Replaces your current layers with this preset."))
    st.caption(_(PRESETS[preset_key].explanation))

# Check the edited layers; an impossible design keeps the last valid one on show
rows = editor.sync()
attempt = design_edit.attempt(rows, editor.input_shape(), limits)
if attempt.ok:
    session.set_design(attempt.arch)
    editor.mark_published(attempt.arch)
    summary = attempt.summary
else:
    where = (_(" (see layer {n})").format(n=attempt.error.layer) if attempt.error.layer else "")
    st.error(_("This design cannot be built{where}: {error}").format(where=where,
                                                                      error=attempt.error),
             icon=":material/error:")
    summary = analyze(session.design())
    st.info(_("The numbers, picture and code below show your **last valid design** until you fix "
              "the layer marked below."), icon=":material/info:")
arch = session.design()
workspace.undo_redo_bar()  # after set_design, so it counts this run's change

# The whole network at a glance
picture, numbers = st.columns([3, 2], gap="large")
with picture:
    st.subheader(_("The feature maps"))
    st.caption(_("Each box is a layer's output: its height is the map's height in pixels, its "
               "thickness grows with the number of channels (filters). Vectors are thin bars. "
               "Hover for details."))
    st.plotly_chart(network_figure(summary), width="stretch", config={"displayModeBar": False},
                    key="design_network")
with numbers:
    st.subheader(_("Totals"))
    for total in totals(summary):  # one per row: two side by side cut a number like 225,034
        st.metric(total.label, total.value, help=total.help, border=True)
    baseline = analyze(get_preset("dense_baseline").arch).total_params
    ratio = baseline_ratio(summary.total_params, baseline)
    st.metric(_("Parameters / dense baseline"), f"{ratio:,.2f}×", border=True,
              help=_("The dense baseline preset has no convolution."))
    st.caption(baseline_sentence(summary.total_params, baseline))
for warning in summary.warnings:
    st.warning(warning, icon=":material/lightbulb:")

# 2. Edit the layers
st.subheader(_("Layers"))
shape = shape_text(editor.input_shape())
st.caption(_("Input: one {shape} image (a grey MNIST digit). Each layer takes the output of the "
             "one above it. Use the arrows to move a layer, the bin to remove it, + to insert "
             "one after it.").format(shape=shape))
stats = list(attempt.summary.layers if attempt.ok else attempt.before_error)
stats += [None] * (len(rows) - len(stats))
for index, (row, row_stats) in enumerate(zip(rows, stats)):
    error = attempt.error if (not attempt.ok and attempt.error.layer == index + 1) else None
    editor.layer_editor(index, row, len(rows), limits, row_stats, error)
editor.add_layer_bar(len(rows), limits)

# 3. The arithmetic, layer by layer
st.subheader(_("Layer by layer") + ("" if attempt.ok else _(" (last valid design)")))
st.caption(_("Receptive field: how many input pixels one output value depends on. Multiply-adds: "
           "the kernel multiplications for one image (pooling, activations and biases are "
           "not counted)."))
st.table(table_rows(summary), hide_index=True, border="horizontal")
with st.expander(_("How each shape and parameter count is computed")):
    st.caption(_("valid padding: out = floor((in - kernel) / stride) + 1.  same padding: "
               "out = ceil(in / stride).  A kernel has one weight per input channel per pixel, "
               "plus one bias per filter."))
    for heading, shape_formula, param_formula in shape_steps(summary):
        st.markdown(f"**{heading}**  \n" + _("shape: `{shape}`  \nparameters: `{params}`").format(
            shape=shape_formula, params=param_formula))

# 4. Save and load the design as JSON
st.subheader(_("Save or load the design"))
workspace.saved_designs_panel()
save, upload, paste = st.columns(3, gap="medium")
with save:
    st.caption(_("Download your design to keep it or share it (plain JSON with Keras' names)."))
    st.download_button(_("Download design.json"), arch.to_json(), file_name="design.json",
                       mime="application/json", key="design_download", icon=":material/download:")
with upload:
    language.file_uploader(_("Load a design.json"), type=["json"], key="design_upload",
                           max_upload_size=editor.upload_megabytes(limits),
                           on_change=editor.on_upload, args=("design_upload", limits))
with paste:
    st.text_area(_("…or paste a design's JSON"), key="design_paste", height=100,
                 placeholder='{"input_shape": [28, 28, 1], "layers": [...]}')
    st.button(_("Use pasted JSON"), key="design_use_paste", on_click=editor.on_paste,
              args=("design_paste", limits))
editor.import_outcome()

# 5. The same model as Keras code
st.subheader(_("Keras code"))
style = st.segmented_control(_("Style"), list(codegen.STYLES), default="sequential",
                             required=True, key="design_code_style",
                             format_func=lambda s: {"sequential": _("Sequential"),
                                                   "functional": _("Functional")}[s],
                             help=_("Sequential: a list of layers. Functional: one call per "
                                    "line (the functional API), needed for skip connections."))
if codegen.effective_style(arch, style) != style:
    st.info(_("keras.Sequential can only stack layers one after another, and a ResidualBlock "
            "adds its input back (a skip connection), so this design is written in the "
            "functional style."), icon=":material/info:")
try:
    script = codegen.generate_script(arch, style)
except LabError as err:
    st.error(str(err), icon=":material/error:")
else:
    st.caption(_("A complete script: it loads MNIST, builds exactly this model, trains and "
               "evaluates it. Copy it with the button in the corner, or download it."))
    st.download_button(_("Download model.py"), script, file_name="model.py", mime="text/x-python",
                       key="design_code_download", icon=":material/download:")
    st.code(script, language="python", wrap_lines=True)  # no inner scroll box: keyboard users read it all
