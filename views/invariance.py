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
from cnnlab.i18n import _, ngettext
from cnnlab.plots import digits
from cnnlab.plots.robustness import robustness_curves
from ui import invariance as glue
from ui import resources
from ui import session

NO_BAR = {"displayModeBar": False}

owner = session.student_id()
config = resources.settings()
st.title(_("Invariance lab"))
st.write(_("A person's digits are never placed, sized or written exactly like MNIST's. Change "
           "one digit the ways handwriting varies and watch whether each model still reads it. "
           "Pooling makes a CNN tolerate small shifts; augmentation (training on shifted, turned "
           "and restroked digits) makes it tolerate much more."))

models = glue.pick_models(config, owner)

# 1. One digit, changed with sliders
st.subheader(_("1. Change one digit"))
mnist = resources.mnist()
has_drawing = glue.LAST_DRAWING_KEY in st.session_state
pick, number, _spare = st.columns([1.2, 1, 1.3])
sources = {"test": _("A test digit"), "drawing": _("My last drawing")}
source = pick.radio(_("Digit"), ["test", "drawing"] if has_drawing else ["test"],
                    format_func=sources.get, horizontal=True, key="invariance_source",
                    help=_("Your last drawing on the Draw & predict page, once you have drawn "
                           "one."))
if source == "test":
    index = number.number_input(_("Test image number (0-9,999)"), 0, len(mnist.x_test) - 1, 0,
                                key="invariance_index")
    original, label = mnist.x_test[index, :, :, 0], int(mnist.y_test[index])
else:
    original, label = st.session_state[glue.LAST_DRAWING_KEY], None

geometry, looks, pictures = st.columns([1, 1, 1.3], gap="medium")
with geometry:
    dx = st.slider(_("Shift right (pixels)"), -6, 6, 0, key="invariance_dx")
    dy = st.slider(_("Shift down (pixels)"), -6, 6, 0, key="invariance_dy")
    degrees = st.slider(_("Rotate (degrees, counter-clockwise)"), -45, 45, 0, key="invariance_rotate")
    factor = st.slider(_("Scale (times)"), 0.5, 1.5, 1.0, 0.05, key="invariance_scale")
with looks:
    shear = st.slider(_("Slant (italic to the right)"), -0.5, 0.5, 0.0, 0.05, key="invariance_slant")
    stroke = st.slider(_("Stroke width (-1 thin, +2 very thick)"), -1.0, 2.0, 0.0, 0.25,
                       key="invariance_stroke")
    sigma = st.slider(_("Blur (pixels)"), 0.0, 2.0, 0.0, 0.25, key="invariance_blur")
    noise = st.slider(_("Noise"), 0.0, 0.5, 0.0, 0.05, key="invariance_noise")
changed = transforms.apply_all(original, dx=dx, dy=dy, degrees=degrees, factor=factor, shear=shear,
                               stroke_amount=stroke, sigma=sigma, noise_std=noise, seed=0)

title = _("Original (a {digit})").format(digit=label) if label is not None else _("Your drawing")
before_pic, after_pic = pictures.columns(2)
before_pic.plotly_chart(digits.image_heatmap(original, title, 250), key="invariance_original",
                        config=NO_BAR)
after_pic.plotly_chart(digits.image_heatmap(changed, _("Changed"), 250), key="invariance_changed",
                       config=NO_BAR)
with pictures:
    if not models:
        st.info(_("Pick at least one model above to see its answers."))
    rows = []
    for name, before, after, problem in glue.answers(models, original, changed):
        if problem:
            st.warning(f"{name}: {problem}")
            continue
        (d0, p0), (d1, p1) = top_k(before, 1)[0], top_k(after, 1)[0]
        row = {_("Model"): name, _("Original"): f"{d0} ({p0:.1%})",
               _("Changed"): f"{d1} ({p1:.1%})"}
        if label is not None:
            row[_("P({digit}) after").format(digit=label)] = f"{after[label]:.1%}"
        rows.append(row)
    if rows:
        st.table(rows)
        st.caption(_("Each model's answer and its confidence on the original and on the "
                     "changed digit. A model that changes its answer for a small shift has not "
                     "learned that a digit is the same wherever it is."))

# 2. The whole test set under each change
st.subheader(_("2. Accuracy on the test set under each change"))
st.write(_("Each model reads the first {n} test digits changed at several strengths (and {drawn} "
           "of them redrawn as the Draw page's canvas draws, with four pen widths). The shaded "
           "band is how much one person's handwriting varies.").format(
               n=f"{glue.PAGE_IMAGES:,}", drawn=f"{glue.PAGE_DRAWN:,}"))
ready = {name: glue.cached_curves(path) for path, name in models.items()}
missing = [name for name, result in ready.items() if result is None]
if missing and st.button(ngettext("Compute the curves for {n} model (about half a minute)",
                                  "Compute the curves for {n} models (about half a minute each)",
                                  len(missing)).format(n=len(missing)),
                         key="invariance_compute", icon=":material/query_stats:"):
    for path, name in models.items():
        if ready[name] is None:
            with st.spinner(_("Changing {n} digits {ways} ways for {model}...").format(
                    n=f"{glue.PAGE_IMAGES:,}", ways=sum(len(f.strengths) for f in FAMILIES),
                    model=name)):
                try:
                    ready[name] = glue.curves(path)
                except LabError as err:
                    st.error(f"{name}: {err}")
shown = {name: result for name, result in ready.items() if result is not None}
if shown:
    st.plotly_chart(robustness_curves(shown), width="stretch", key="invariance_curves", config=NO_BAR)
    timing = _(", ").join(f"{name}: " + (_("from the cache") if r["cached"] else
                                         _("{seconds} s").format(seconds=f"{r['seconds']:.0f}"))
                          for name, r in shown.items())
    st.caption(_("Computed once per model and kept for the whole class ({timing}). Hover a point "
                 "for its accuracy.").format(timing=timing))
elif models and not missing:
    st.info(_("Pick a model above."))
