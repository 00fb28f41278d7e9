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
from ui import resources
from ui import session
from cnnlab.text import percent

owner = session.student_id()
STEP = "conv_step"


def _move(delta: int, n_steps: int) -> None:
    """◀ / ▶: one output cell back or forward, staying on the grid."""
    st.session_state[STEP] = min(max(st.session_state.get(STEP, 1) + delta, 1), n_steps)


def _chart(fig) -> None:
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False})


st.title("Convolution explained")
st.write("A convolution layer slides a small grid of weights, the **kernel**, over the image. "
         "At each position it multiplies the numbers under the kernel by the weights and adds "
         "them up: one number of the output. Follow it one step at a time, then on a real digit.")

# ---------------------------------------------------------------- 1. step by step
@st.fragment
def step_by_step() -> None:
    """Section 1; a fragment, so its sliders rerun only this section."""
    st.header("1 · Step by step on a small grid")
    grids = wt.small_grids()
    c_grid, c_kernel, c_stride, c_padding = st.columns([1, 1.4, 1, 1], gap="medium")
    grid_name = c_grid.selectbox("Input picture", list(grids), key="conv_grid")
    kernel_name = c_kernel.selectbox("Kernel", wt.kernel_names(), key="conv_kernel",
                                     index=wt.kernel_names().index("X shape"),
                                     help="Classic 3×3 filters, a box of ones of any size, or your own.")
    stride = c_stride.slider("Stride", 1, 3, 1, key="conv_stride",
                             help="How many cells the kernel jumps between two steps.")
    padding = c_padding.radio("Padding", ["valid", "same"], key="conv_padding", horizontal=True,
                              help="'same' adds a border of zeros so the output keeps the size "
                                   "(at stride 1).")

    kernel = None
    if kernel_name == wt.BOX:
        size = c_kernel.select_slider("Kernel size k", wt.BOX_SIZES, value=3, key="conv_box_size")
        kernel = wt.box_kernel(size)
        c_kernel.caption("All ones: adds up its window, so it scores high on bright regions.")
    elif kernel_name == wt.CUSTOM:
        start = pd.DataFrame(KERNELS["Sobel vertical"].weights, columns=["c0", "c1", "c2"])
        edited = c_kernel.data_editor(start, key="conv_custom", hide_index=True)
        try:
            kernel = wt.custom_kernel(edited.to_numpy())
        except ValueError as err:
            c_kernel.error(str(err))
        c_kernel.caption("Type any weights; an empty cell counts as 0.")
    else:
        kernel = KERNELS[kernel_name].weights
        c_kernel.caption(KERNELS[kernel_name].explanation)

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
        c_prev.button("◀", key="conv_prev", on_click=_move, args=(-1, n_steps), width="stretch",
                      disabled=st.session_state[STEP] <= 1)
        step = c_slider.slider(f"Step (1 to {n_steps}: one output cell each, row by row)", 1,
                               max(n_steps, 2), key=STEP, disabled=n_steps == 1)
        step = min(step, n_steps)
        c_next.button("▶", key="conv_next", on_click=_move, args=(1, n_steps), width="stretch",
                      disabled=step >= n_steps)

        row, col = walk.position(step)
        window = walk.window(step)
        (out_h, out_w), (kh, kw) = walk.out_shape, walk.kernel.shape
        in_title = "Input + zero border" if any(walk.pads) else "Input"
        f_in, f_kernel, f_products, f_out = st.columns([3, 2, 2, 3], gap="small")
        with f_in:
            _chart(plots.grid_heatmap(walk.padded, f"{in_title} ({plots.shape_text(walk.padded.shape)})",
                                      highlight=walk.highlight(step), pad=walk.pads))
        with f_kernel:
            _chart(plots.grid_heatmap(walk.kernel, f"Kernel ({kh} × {kw})",
                                      height=plots.grid_height(walk.padded.shape[0])))
        with f_products:
            _chart(plots.grid_heatmap(window.products, "Input × kernel",
                                      height=plots.grid_height(walk.padded.shape[0])))
        with f_out:
            _chart(plots.grid_heatmap(walk.partial_output(step), f"Output so far ({out_h} × {out_w})",
                                      highlight=(row, col, row + 1, col + 1), scale_like=walk.output,
                                      height=plots.grid_height(walk.padded.shape[0])))
        st.markdown(f"**Step {step}: output cell (row {row}, col {col})** = the sum of the "
                    f"{kh * kw} products (input × weight, row by row):")
        st.code(wt.sum_expression(window, walk.kernel), language=None, wrap_lines=True)
        st.caption("Orange outline: where the kernel sits now and the cell it fills. "
                   + ("Yellow cells: the zero border (dashed line: the real image's edge). "
                      if any(walk.pads) else ""))

        st.subheader("How big is the output?")
        st.write(walk.padding_note())
        h_formula, w_formula = walk.formulas()
        c_h, c_w = st.columns(2)
        c_h.markdown(f"**Height** (input {walk.image.shape[0]}, kernel {kh}, stride {stride})")
        c_h.code(h_formula, language=None)
        c_w.markdown(f"**Width** (input {walk.image.shape[1]}, kernel {kw}, stride {stride})")
        c_w.code(w_formula, language=None)
        st.caption("valid: out = floor((n + 2p − k) / s) + 1 with p = 0 · same: out = ceil(n / s). "
                   "This is the formula Keras uses for every Conv2D and pooling layer.")



# ---------------------------------------------------------------- 2. a real digit
@st.fragment
def real_digit() -> None:
    """Section 2 (a kernel and pooling on a real digit), rerun on its own."""
    st.divider()
    st.header("2 · On a real handwritten digit")
    st.write("The same arithmetic on a 28 × 28 MNIST test digit. A trained network learns its own "
             "kernels; these hand-made ones show what kinds of pattern a kernel can pick out.")
    data = resources.mnist()
    c_index, c_dkernel, c_dstride, c_dpadding = st.columns([1, 1.4, 1, 1], gap="medium")
    index = c_index.number_input("Test digit number", 0, len(data.x_test) - 1, 0, key="conv_digit",
                                 help=f"Any of the {len(data.x_test):,} test images.")
    digit_kernel = c_dkernel.selectbox("Kernel", list(KERNELS), index=list(KERNELS).index("Sobel vertical"),
                                       key="conv_digit_kernel")
    c_dkernel.caption(KERNELS[digit_kernel].explanation)
    d_stride = c_dstride.slider("Stride", 1, 3, 1, key="conv_digit_stride")
    d_padding = c_dpadding.radio("Padding", ["valid", "same"], key="conv_digit_padding",
                                 horizontal=True)

    digit = data.x_test[index, :, :, 0]  # (28, 28), read-only, values in [0, 1]
    label = int(data.y_test[index])
    fmap = wt.feature_map(digit, KERNELS[digit_kernel].weights, d_stride, d_padding)
    f_digit, f_map = st.columns(2)
    with f_digit:
        _chart(plots.image_heatmap(digit, f"Test digit #{index}: a {label} (28 × 28)", signed=False,
                                   colorbar=False))
    with f_map:
        _chart(plots.image_heatmap(fmap, f"After “{digit_kernel}” ({plots.shape_text(fmap.shape)})",
                                   signed=True))
    st.caption("Red: the kernel's pattern is there · blue: its opposite · white: no response. "
               f"Output size: {output_size_formula(digit.shape[0], 3, d_stride, d_padding)} per side.")

    st.subheader("Pooling: a smaller map that keeps the gist")
    st.write("Pooling slides a window without weights: **max** keeps the strongest response in "
             "each window, **average** keeps the mean. Both shrink the map, so later layers see "
             "more of the digit for the same cost.")
    sources = ["Feature map after ReLU", "Feature map", "The digit"]
    c_source, c_pool, c_pstride, c_ppadding = st.columns([1.4, 1, 1, 1], gap="medium")
    source_name = c_source.radio("Pool what?", sources, key="conv_pool_source",
                                 help="In a network, pooling usually follows Conv2D + ReLU.")
    pool_size = c_pool.select_slider("Pool size", [2, 3, 4], value=2, key="conv_pool_size")
    pool_stride = c_pstride.selectbox("Pool stride", ["= pool size", 1, 2, 3], key="conv_pool_stride")
    p_padding = c_ppadding.radio("Padding", ["valid", "same"], key="conv_pool_padding",
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
            _chart(plots.image_heatmap(source, f"{source_name} ({plots.shape_text(source.shape)})",
                                       colorbar=False, height=320))
        with f_max:
            _chart(plots.image_heatmap(pools["max"], f"Max pooling ({plots.shape_text(pools['max'].shape)})",
                                       colorbar=False, height=320, scale_like=source))
        with f_avg:
            _chart(plots.image_heatmap(pools["average"],
                                       f"Average pooling ({plots.shape_text(pools['average'].shape)})",
                                       colorbar=False, height=320, scale_like=source))
        st.caption(f"Output size: {output_size_formula(source.shape[0], pool_size, strides or pool_size, p_padding)}"
                   " per side. Max pooling keeps strokes sharp; average pooling blurs them.")



# ---------------------------------------------------------------- 3. receptive field
@st.fragment
def receptive_field() -> None:
    """Section 3 (stacked 3×3 kernels), rerun on its own."""
    st.divider()
    st.header("3 · Stacking small kernels: how far does one output cell see?")
    c_layers, c_channels = st.columns(2, gap="medium")
    n_layers = c_layers.slider("Stacked 3×3 convolution layers", 1, 5, 2, key="conv_rf_layers")
    channels = c_channels.number_input("Channels in every layer (C)", 1, 512, 32,
                                       key="conv_rf_channels",
                                       help="Filters per layer; each layer has C in and C out.")
    stack = compare_stack(n_layers, channels)
    f_rf, t_rf = st.columns([1, 1.3], gap="large")
    with f_rf:
        _chart(plots.receptive_figure(receptive_rings(n_layers, 13),
                                      f"What one output cell sees: {stack.field} × {stack.field}"))
    with t_rf:
        st.markdown(f"**{n_layers} stacked 3×3 layer{'s' if n_layers > 1 else ''} → one output cell "
                    f"depends on a {stack.field} × {stack.field} patch of the input.**")
        st.write("Each layer looks at a 3 × 3 window of the layer below, whose cells each already "
                 "see 3 × 3 of the layer below that: every layer adds a ring one cell wide. "
                 "The numbers in the grid say which layer brings each input cell in.")
        if n_layers > 1:
            st.markdown(
                f"One {stack.field} × {stack.field} layer would see the same patch, but it needs "
                f"**{stack.field} × {stack.field} = {stack.single_per_pair}** weights per (input "
                f"channel, output channel) pair; the stack needs **{n_layers} × 3 × 3 = "
                f"{stack.stacked_per_pair}**. With C = {channels:,} channels in and out:")
            m_stack, m_single = st.columns(2)
            m_stack.metric(f"{n_layers} × 3×3 layers", f"{stack.stacked_weights:,} weights",
                           f"{percent(stack.saving, 0)} fewer", delta_arrow="off")
            m_single.metric(f"1 × {stack.field}×{stack.field} layer", f"{stack.single_weights:,} weights")
            st.caption(f"Weights = per-pair count × C² (biases not counted). The stack also puts "
                       f"{n_layers} ReLUs where the big kernel has one, so it can describe more "
                       "complicated patterns. This is why VGG-style networks use only 3×3 kernels.")
        else:
            st.caption("Add a second layer to see two 3×3 layers reach as far as one 5×5.")


step_by_step()
real_digit()
receptive_field()
