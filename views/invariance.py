"""Invariance lab: shift, turn, resize, slant, restroke, blur or add noise to one digit and watch
each model's answer; then the accuracy of each model on the test set under every change.

Test hooks: the digit is a test image chosen by number (key "invariance_index"), every slider
has a key starting with "invariance_", and the curves are computed by the button
"invariance_compute".
"""

import streamlit as st

from cnnlab.drawing.predict import top_k
from cnnlab.evaluation import transforms
from cnnlab.evaluation.robustness import FAMILIES
from cnnlab.errors import LabError
from cnnlab.plots import digits
from cnnlab.plots.robustness import robustness_curves
from ui import invariance as glue
from ui import resources
from ui import session

NO_BAR = {"displayModeBar": False}

owner = session.student_id()
config = resources.settings()
st.title("Invariance lab")
st.write("A person's digits are never placed, sized or written exactly like MNIST's. Change one "
         "digit the ways handwriting varies and watch whether each model still reads it. "
         "Pooling makes a CNN tolerate small shifts; augmentation (training on shifted, turned "
         "and restroked digits) makes it tolerate much more.")

models = glue.pick_models(config, owner)

# 1. One digit, changed with sliders
st.subheader("1. Change one digit")
mnist = resources.mnist()
has_drawing = glue.LAST_DRAWING_KEY in st.session_state
pick, number, _ = st.columns([1.2, 1, 1.3])
source = pick.radio("Digit", ["A test digit", "My last drawing"] if has_drawing else ["A test digit"],
                    horizontal=True, key="invariance_source",
                    help="Your last drawing on the Draw & predict page, once you have drawn one.")
if source == "A test digit":
    index = number.number_input("Test image number (0-9,999)", 0, len(mnist.x_test) - 1, 0,
                                key="invariance_index")
    original, label = mnist.x_test[index, :, :, 0], int(mnist.y_test[index])
else:
    original, label = st.session_state[glue.LAST_DRAWING_KEY], None

geometry, looks, pictures = st.columns([1, 1, 1.3], gap="medium")
with geometry:
    dx = st.slider("Shift right (pixels)", -6, 6, 0, key="invariance_dx")
    dy = st.slider("Shift down (pixels)", -6, 6, 0, key="invariance_dy")
    degrees = st.slider("Rotate (degrees, counter-clockwise)", -45, 45, 0, key="invariance_rotate")
    factor = st.slider("Scale (times)", 0.5, 1.5, 1.0, 0.05, key="invariance_scale")
with looks:
    shear = st.slider("Slant (italic to the right)", -0.5, 0.5, 0.0, 0.05, key="invariance_slant")
    stroke = st.slider("Stroke width (-1 thin, +2 very thick)", -1.0, 2.0, 0.0, 0.25,
                       key="invariance_stroke")
    sigma = st.slider("Blur (pixels)", 0.0, 2.0, 0.0, 0.25, key="invariance_blur")
    noise = st.slider("Noise", 0.0, 0.5, 0.0, 0.05, key="invariance_noise")
changed = transforms.apply_all(original, dx=dx, dy=dy, degrees=degrees, factor=factor, shear=shear,
                               stroke_amount=stroke, sigma=sigma, noise_std=noise, seed=0)

title = f"Original (a {label})" if label is not None else "Your drawing"
before_pic, after_pic = pictures.columns(2)
before_pic.plotly_chart(digits.image_heatmap(original, title, 250), key="invariance_original",
                        config=NO_BAR)
after_pic.plotly_chart(digits.image_heatmap(changed, "Changed", 250), key="invariance_changed",
                       config=NO_BAR)
with pictures:
    if not models:
        st.info("Pick at least one model above to see its answers.")
    rows = []
    for name, before, after, problem in glue.answers(models, original, changed):
        if problem:
            st.warning(f"{name}: {problem}")
            continue
        (d0, p0), (d1, p1) = top_k(before, 1)[0], top_k(after, 1)[0]
        row = {"Model": name, "Original": f"{d0} ({p0:.1%})", "Changed": f"{d1} ({p1:.1%})"}
        if label is not None:
            row[f"P({label}) after"] = f"{after[label]:.1%}"
        rows.append(row)
    if rows:
        st.table(rows)
        st.caption("Each model's answer and its confidence on the original and on the changed "
                   "digit. A model that changes its answer for a small shift has not learned "
                   "that a digit is the same wherever it is.")

# 2. The whole test set under each change
st.subheader("2. Accuracy on the test set under each change")
st.write(f"Each model reads the first {glue.PAGE_IMAGES:,} test digits changed at several "
         f"strengths (and {glue.PAGE_DRAWN:,} of them redrawn as the Draw page's canvas draws, with "
         "four pen widths). The shaded band is how much one person's handwriting varies.")
ready = {name: glue.cached_curves(path) for path, name in models.items()}
missing = [name for name, result in ready.items() if result is None]
if missing and st.button(f"Compute the curves for {len(missing)} model(s) (about half a minute each)",
                         key="invariance_compute", icon=":material/query_stats:"):
    for path, name in models.items():
        if ready[name] is None:
            with st.spinner(f"Changing {glue.PAGE_IMAGES:,} digits {sum(len(f.strengths) for f in FAMILIES)} "
                            f"ways for {name}..."):
                try:
                    ready[name] = glue.curves(path)
                except LabError as err:
                    st.error(f"{name}: {err}")
shown = {name: result for name, result in ready.items() if result is not None}
if shown:
    st.plotly_chart(robustness_curves(shown), width="stretch", key="invariance_curves", config=NO_BAR)
    timing = ", ".join(f"{name}: " + ("from the cache" if r["cached"] else f"{r['seconds']:.0f} s")
                       for name, r in shown.items())
    st.caption(f"Computed once per model and kept for the whole class ({timing}). "
               "Hover a point for its accuracy.")
elif models and not missing:
    st.info("Pick a model above.")
