"""Convolution explained: slide a kernel over a small grid, then a real digit, then stack them.

Every number shown comes from cnnlab.convolution.walkthrough / cnnlab.convolution.by_hand (Keras' arithmetic);
every figure from cnnlab.plots.convolution. No TensorFlow on this page. Each of the three
sections is a fragment: moving a slider reruns (and redraws the figures of) its own section only.
"""

import pandas as pd
import streamlit as st

from cnnlab.convolution import walkthrough as wt
from cnnlab.convolution.by_hand import output_size_formula
from cnnlab.errors import LabError
from cnnlab.convolution.kernels import KERNELS
from cnnlab.plots import convolution as plots
from cnnlab.convolution.receptive_field import compare_stack, receptive_rings
from ui import language
from ui import resources
from ui import session
from cnnlab.text import percent
from cnnlab.i18n import N_, _, ngettext, sentences

owner = session.student_id()
STEP = "conv_step"


def _move(delta: int, n_steps: int) -> None:
    """◀ / ▶: one output cell back or forward, staying on the grid."""
    st.session_state[STEP] = min(max(st.session_state.get(STEP, 1) + delta, 1), n_steps)


def _chart(fig) -> None:
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False})


st.title(_("Convolution explained"))
st.write(_("A convolution layer slides a small grid of weights, the **kernel**, over the image. "
         "At each position it multiplies the numbers under the kernel by the weights and adds "
         "them up: one number of the output. Follow it one step at a time, then on a real digit."))

# ---------------------------------------------------------------- 1. step by step
@language.fragment
def step_by_step() -> None:
    """Section 1; a fragment, so its sliders rerun only this section."""
    st.header(_("1 · Step by step on a small grid"))
    grids = wt.small_grids()
    c_grid, c_kernel, c_stride, c_padding = st.columns([1, 1.4, 1, 1], gap="medium")
    grid_name = c_grid.selectbox(_("Input picture"), list(grids), key="conv_grid", format_func=_)
    kernel_name = c_kernel.selectbox(_("Kernel"), wt.kernel_names(), key="conv_kernel",
                                     index=wt.kernel_names().index("X shape"), format_func=_,
                                     help=_("Classic 3×3 filters, a box of ones of any size, or "
                                            "your own."))
    stride = c_stride.slider(_("Stride"), 1, 3, 1, key="conv_stride",
                             help=_("How many cells the kernel jumps between two steps."))
    padding = c_padding.radio(_("Padding"), ["valid", "same"], key="conv_padding", horizontal=True,
                              help=_("'same' adds a border of zeros so the output keeps the size "
                                     "(at stride 1)."))

    kernel = None
    if kernel_name == wt.BOX:
        size = c_kernel.select_slider(_("Kernel size k"), wt.BOX_SIZES, value=3, key="conv_box_size")
        kernel = wt.box_kernel(size)
        c_kernel.caption(_("All ones: adds up its window, so it scores high on bright regions."))
    elif kernel_name == wt.CUSTOM:
        start = pd.DataFrame(KERNELS["Sobel vertical"].weights, columns=["c0", "c1", "c2"])
        edited = c_kernel.data_editor(start, key="conv_custom", hide_index=True)
        try:
            kernel = wt.custom_kernel(edited.to_numpy())
        except ValueError as err:
            c_kernel.error(str(err))
        c_kernel.caption(_("Type any weights; an empty cell counts as 0."))
    else:
        kernel = KERNELS[kernel_name].weights
        c_kernel.caption(_(KERNELS[kernel_name].explanation))

    walk = None
    if kernel is not None:
        try:
            walk = wt.walkthrough(grids[grid_name], kernel, stride, padding)
        except LabError as err:
            st.error(str(err))

    if walk is not None:
        n_steps = walk.n_steps
        st.session_state[STEP] = min(st.session_state.get(STEP, 1), n_steps)  # grid may have shrunk
        c_prev, c_slider, c_next = st.columns([1, 10, 1], vertical_alignment="bottom")
        c_prev.button("◀", key="conv_prev", help=_("Previous step"), on_click=_move, args=(-1, n_steps), width="stretch",
                      disabled=st.session_state[STEP] <= 1)
        step = c_slider.slider(_("Step (1 to {n}: one output cell each, row by row)").format(
                                   n=n_steps), 1,
                               max(n_steps, 2), key=STEP, disabled=n_steps == 1)
        step = min(step, n_steps)
        c_next.button("▶", key="conv_next", help=_("Next step"), on_click=_move, args=(1, n_steps), width="stretch",
                      disabled=step >= n_steps)

        row, col = walk.position(step)
        window = walk.window(step)
        (out_h, out_w), (kh, kw) = walk.out_shape, walk.kernel.shape
        in_title = _("Input + zero border") if any(walk.pads) else _("Input")
        f_in, f_kernel, f_products, f_out = st.columns([3, 2, 2, 3], gap="small")
        with f_in:
            _chart(plots.grid_heatmap(walk.padded, f"{in_title} ({plots.shape_text(walk.padded.shape)})",
                                      highlight=walk.highlight(step), pad=walk.pads))
        with f_kernel:
            _chart(plots.grid_heatmap(walk.kernel, _("Kernel ({h} × {w})").format(h=kh, w=kw),
                                      height=plots.grid_height(walk.padded.shape[0])))
        with f_products:
            _chart(plots.grid_heatmap(window.products, _("Input × kernel"),
                                      height=plots.grid_height(walk.padded.shape[0])))
        with f_out:
            _chart(plots.grid_heatmap(walk.partial_output(step),
                                      _("Output so far ({h} × {w})").format(h=out_h, w=out_w),
                                      highlight=(row, col, row + 1, col + 1), scale_like=walk.output,
                                      height=plots.grid_height(walk.padded.shape[0])))
        st.markdown(_("**Step {step}: output cell (row {row}, col {col})** = the sum of the "
                      "{n} products (input × weight, row by row):").format(
            step=step, row=row, col=col, n=kh * kw))
        st.code(wt.sum_expression(window, walk.kernel), language=None, wrap_lines=True)
        st.caption(sentences(_("Orange outline: where the kernel sits now and the cell it fills."),
                             *([_("Yellow cells: the zero border (dashed line: the real image's "
                                  "edge).")] if any(walk.pads) else [])))

        st.subheader(_("How big is the output?"))
        st.write(walk.padding_note())
        h_formula, w_formula = walk.formulas()
        c_h, c_w = st.columns(2)
        c_h.markdown(_("**Height** (input {n}, kernel {k}, stride {s})").format(
            n=walk.image.shape[0], k=kh, s=stride))
        c_h.code(h_formula, language=None)
        c_w.markdown(_("**Width** (input {n}, kernel {k}, stride {s})").format(
            n=walk.image.shape[1], k=kw, s=stride))
        c_w.code(w_formula, language=None)
        st.caption(_("valid: out = floor((n + 2p − k) / s) + 1 with p = 0 · same: out = "
                     "ceil(n / s). This is the formula Keras uses for every Conv2D and pooling "
                     "layer."))



# ---------------------------------------------------------------- 2. a real digit
@language.fragment
def real_digit() -> None:
    """Section 2 (a kernel and pooling on a real digit), rerun on its own."""
    st.divider()
    st.header(_("2 · On a real handwritten digit"))
    st.write(_("The same arithmetic on a 28 × 28 MNIST test digit. A trained network learns its own "
             "kernels; these hand-made ones show what kinds of pattern a kernel can pick out."))
    data = resources.mnist()
    c_index, c_dkernel, c_dstride, c_dpadding = st.columns([1, 1.4, 1, 1], gap="medium")
    index = c_index.number_input(_("Test digit number"), 0, len(data.x_test) - 1, 0,
                                 key="conv_digit", help=_("Any of the {n} test images.").format(
                                     n=f"{len(data.x_test):,}"))
    digit_kernel = c_dkernel.selectbox(_("Kernel"), list(KERNELS), format_func=_,
                                       index=list(KERNELS).index("Sobel vertical"),
                                       key="conv_digit_kernel")
    c_dkernel.caption(_(KERNELS[digit_kernel].explanation))
    d_stride = c_dstride.slider(_("Stride"), 1, 3, 1, key="conv_digit_stride")
    d_padding = c_dpadding.radio(_("Padding"), ["valid", "same"], key="conv_digit_padding",
                                 horizontal=True)

    digit = data.x_test[index, :, :, 0]  # (28, 28), read-only, values in [0, 1]
    label = int(data.y_test[index])
    fmap = wt.feature_map(digit, KERNELS[digit_kernel].weights, d_stride, d_padding)
    f_digit, f_map = st.columns(2)
    with f_digit:
        _chart(plots.image_heatmap(digit, _("Test digit #{index}: a {label} (28 × 28)").format(
            index=index, label=label), signed=False,
                                   colorbar=False))
    with f_map:
        _chart(plots.image_heatmap(fmap, _("After “{kernel}” ({shape})").format(
            kernel=_(digit_kernel), shape=plots.shape_text(fmap.shape)),
                                   signed=True))
    st.caption(_("Red: the kernel's pattern is there · blue: its opposite · white: no response. "
                 "Output size: {formula} per side.").format(
        formula=output_size_formula(digit.shape[0], 3, d_stride, d_padding)))

    st.subheader(_("Pooling: a smaller map that keeps the gist"))
    st.write(_("Pooling slides a window without weights: **max** keeps the strongest response in "
             "each window, **average** keeps the mean. Both shrink the map, so later layers see "
             "more of the digit for the same cost."))
    sources = [N_("Feature map after ReLU"), N_("Feature map"), N_("The digit")]
    c_source, c_pool, c_pstride, c_ppadding = st.columns([1.4, 1, 1, 1], gap="medium")
    source_name = c_source.radio(_("Pool what?"), sources, key="conv_pool_source", format_func=_,
                                 help=_("In a network, pooling usually follows Conv2D + ReLU."))
    pool_size = c_pool.select_slider(_("Pool size"), [2, 3, 4], value=2, key="conv_pool_size")
    pool_stride = c_pstride.selectbox(_("Pool stride"), ["= pool size", 1, 2, 3],
                                      key="conv_pool_stride",
                                      format_func=lambda v: _("= pool size") if v == "= pool size"
                                      else str(v))
    p_padding = c_ppadding.radio(_("Padding"), ["valid", "same"], key="conv_pool_padding",
                                 horizontal=True)
    strides = None if pool_stride == "= pool size" else pool_stride
    if source_name == sources[0]:
        source = wt.feature_map(digit, KERNELS[digit_kernel].weights, d_stride, d_padding, relu=True)
    else:
        source = fmap if source_name == sources[1] else digit
    try:
        pools = wt.pooled(source, pool_size, strides, p_padding)
    except LabError as err:
        st.error(str(err))
    else:
        f_src, f_max, f_avg = st.columns(3)
        with f_src:
            _chart(plots.image_heatmap(source, f"{_(source_name)} ({plots.shape_text(source.shape)})",
                                       colorbar=False, height=320))
        with f_max:
            _chart(plots.image_heatmap(pools["max"], _("Max pooling ({shape})").format(
                shape=plots.shape_text(pools["max"].shape)),
                                       colorbar=False, height=320, scale_like=source))
        with f_avg:
            _chart(plots.image_heatmap(pools["average"],
                                       _("Average pooling ({shape})").format(
                                           shape=plots.shape_text(pools["average"].shape)),
                                       colorbar=False, height=320, scale_like=source))
        st.caption(_("Output size: {formula} per side. Max pooling keeps strokes sharp; average "
                     "pooling blurs them.").format(formula=output_size_formula(
                         source.shape[0], pool_size, strides or pool_size, p_padding)))



# ---------------------------------------------------------------- 3. receptive field
@language.fragment
def receptive_field() -> None:
    """Section 3 (stacked 3×3 kernels), rerun on its own."""
    st.divider()
    st.header(_("3 · Stacking small kernels: how far does one output cell see?"))
    c_layers, c_channels = st.columns(2, gap="medium")
    n_layers = c_layers.slider(_("Stacked 3×3 convolution layers"), 1, 5, 2, key="conv_rf_layers")
    channels = c_channels.number_input(_("Channels in every layer (C)"), 1, 512, 32,
                                       key="conv_rf_channels",
                                       help=_("Filters per layer; each layer has C in and C out."))
    stack = compare_stack(n_layers, channels)
    f_rf, t_rf = st.columns([1, 1.3], gap="large")
    with f_rf:
        _chart(plots.receptive_figure(receptive_rings(n_layers, 13),
                                      _("What one output cell sees: {n} × {n}").format(
                                          n=stack.field)))
    with t_rf:
        st.markdown(ngettext("**{layers} stacked 3×3 layer → one output cell depends on a {n} × "
                             "{n} patch of the input.**",
                             "**{layers} stacked 3×3 layers → one output cell depends on a {n} × "
                             "{n} patch of the input.**", n_layers).format(layers=n_layers,
                                                                           n=stack.field))
        st.write(_("Each layer looks at a 3 × 3 window of the layer below, whose cells each already "
                 "see 3 × 3 of the layer below that: every layer adds a ring one cell wide. "
                 "The numbers in the grid say which layer brings each input cell in."))
        if n_layers > 1:
            st.markdown(
                _("One {n} × {n} layer would see the same patch, but it needs **{n} × {n} = "
                  "{single}** weights per (input channel, output channel) pair; the stack needs "
                  "**{layers} × 3 × 3 = {stacked}**. With C = {channels} channels in and out:")
                .format(n=stack.field, single=stack.single_per_pair, layers=n_layers,
                        stacked=stack.stacked_per_pair, channels=f"{channels:,}"))
            m_stack, m_single = st.columns(2)
            m_stack.metric(_("{layers} × 3×3 layers").format(layers=n_layers),
                           _("{n} weights").format(n=f"{stack.stacked_weights:,}"),
                           _("{share} fewer").format(share=percent(stack.saving, 0)),
                           delta_arrow="off")
            m_single.metric(_("1 × {n}×{n} layer").format(n=stack.field),
                            _("{n} weights").format(n=f"{stack.single_weights:,}"))
            st.caption(_("Weights = per-pair count × C² (biases not counted). The stack also puts "
                         "{layers} ReLUs where the big kernel has one, so it can describe more "
                         "complicated patterns. This is why VGG-style networks use only 3×3 "
                         "kernels.").format(layers=n_layers))
        else:
            st.caption(_("Add a second layer to see two 3×3 layers reach as far as one 5×5."))


step_by_step()
real_digit()
receptive_field()
