"""Evaluate: how well a trained model does on the 10,000 test images, where it goes wrong, what its
first layer learned, and how the student's runs compare.

Test hook: the confusion-matrix cell is also chosen with two selectboxes (keys "evaluate_true"
and "evaluate_pred"), which AppTest can drive; a click on the matrix moves them.
"""

import streamlit as st

from cnnlab.evaluation import compare

from cnnlab.evaluation import page_text as evaluate_view
from cnnlab.errors import LabError
from cnnlab.runs.model_file import default_model_missing
from cnnlab.plots import evaluation as plots
from ui import evaluate as glue
from ui import language
from ui import resources
from ui import session
from cnnlab.i18n import _

NO_BAR = {"displayModeBar": False}


@language.fragment
def where_it_goes_wrong(ev, images, chosen: str) -> None:
    """The confusion matrix, the per-digit table and one cell's images. A fragment: clicking
    a cell or changing a picker redraws this section only, not the whole page."""
    st.subheader(_("Where it goes wrong"))
    st.markdown(evaluate_view.class_summary(ev.confusion, ev.per_class))
    matrix, table = st.columns([1.25, 1], gap="large")
    with table:
        st.dataframe(evaluate_view.class_rows(ev.per_class), hide_index=True, width="stretch",
                     key="evaluate_classes")
        st.caption(_("**Precision**: of the images it called this digit, how many were. "
                     "**Recall**: of the images of this digit, how many it found. "
                     "**F1**: their harmonic mean."))
    glue.init_cell(chosen, evaluate_view.top_confusion(ev.confusion)[:2])
    cell = (st.session_state[glue.TRUE_KEY], st.session_state[glue.PRED_KEY])
    with matrix:
        mode = st.segmented_control(_("Cells show"), plots.MODES, default="counts",
                                    required=True, key="evaluate_mode", format_func=lambda m: {
                                        "counts": _("Image counts"),
                                        "percent": _("Percent of the true digit")}[m])
        st.plotly_chart(plots.confusion_figure(ev.confusion, mode, selected=cell),
                        key=glue.CHART_KEY, on_select=glue.cell_from_chart,
                        selection_mode="points", config=NO_BAR)
        st.caption(_("Rows: the true digit. Columns: what the model said. Blue: right; "
                     "orange: mistakes, on their own colour scale. **Click a cell** to see its "
                     "images, or pick it below."))

    with st.expander(_("The confusion matrix as a table (rows: true digit, columns: predicted)")):
        st.table(evaluate_view.confusion_rows(ev.confusion), hide_index=True)
    st.markdown(_("**The images in one cell**"))
    true_col, pred_col, _spare = st.columns([1, 1, 2])
    true_digit = true_col.selectbox(_("True digit"), range(10), key=glue.TRUE_KEY)
    predicted = pred_col.selectbox(_("Predicted digit"), range(10), key=glue.PRED_KEY)
    indices = ev.cell(true_digit, predicted)
    shown = indices[:evaluate_view.CELL_LIMIT]
    st.write(evaluate_view.cell_text(true_digit, predicted, len(indices),
                                     ev.per_class[true_digit].support, len(shown)))
    if len(shown):
        st.plotly_chart(plots.image_gallery(images[shown],
                                            evaluate_view.cell_captions(shown, ev.probs)),
                        key="evaluate_cell_images", config=NO_BAR)
        st.caption(_("Under each image: its number in the test set and the probability the "
                     "model gave its answer."))


owner = session.student_id()
config = resources.settings()
st.title(_("Evaluate a trained model"))
st.write(_("See how a trained network does on the 10,000 MNIST test images it never saw while "
         "learning: which digits it confuses, the images it gets most confidently wrong, and the "
         "filters its first layer learned. Then compare your runs side by side."))

# 1. Which model
options = glue.run_options(config, owner)
chosen = glue.pick_run(config, owner, options)
default_chosen = chosen == str(config.default_model_dir)
run = ev = None
if default_chosen and not glue.default_installed(config):
    st.info(default_model_missing())
else:
    run, problem = glue.load_run(chosen)
    if problem:
        st.error(problem)
if run is not None:
    st.code(evaluate_view.design_line(run.arch), language=None, wrap_lines=True)
    st.caption(_("Trained with {settings}.").format(
        settings=evaluate_view.settings_line(run.config, run.meta)))
    try:
        with st.spinner(_("Running the model on the 10,000 test images…")):
            ev = glue.evaluation(chosen, config)
    except LabError as err:
        st.error(str(err))

# 2. Scores, confusion matrix, per-digit table and the mistakes
if ev is not None:
    images = resources.mnist().x_test
    acc, loss, wrong = st.columns(3)
    acc.metric(_("Test accuracy"), evaluate_view.percent(ev.accuracy), border=True,
               help=_("The fraction of the 10,000 test images whose most probable digit is "
                      "right."))
    loss.metric(_("Test loss"), f"{ev.loss:.4f}", border=True,
                help=_("Mean cross-entropy: −log(probability given to the true digit), "
                       "averaged."))
    wrong.metric(_("Mistakes"), evaluate_view.mistakes_text(len(ev.mistakes), ev.n), border=True)

    where_it_goes_wrong(ev, images, chosen)

    st.subheader(_("Most confidently wrong"))
    worst = ev.mistakes[:evaluate_view.GALLERY_SIZE]
    if worst:
        st.caption(_("Captions: true digit → predicted digit (the probability the model gave "
                     "its wrong answer). Many of these are hard even for people, and a few are "
                     "mislabelled in MNIST itself."))
        st.plotly_chart(plots.image_gallery(images[[m.index for m in worst]],
                                            [evaluate_view.mistake_caption(m) for m in worst]),
                        key="evaluate_worst", config=NO_BAR)
    else:
        st.success(_("No mistakes at all on the test set."))

    # 3. What the first layer learned
    st.subheader(_("What the first layer learned"))
    try:
        kernels = glue.first_layer_filters(chosen)
    except LabError as err:
        kernels = None
        st.error(str(err))
    else:
        if kernels is None:
            st.info(_(evaluate_view.NO_CONV_NOTE))
        else:
            st.markdown(_(evaluate_view.FILTERS_NOTE))
            st.plotly_chart(plots.filter_grid(kernels), key="evaluate_filters", config=NO_BAR)

# 4. Compare runs
st.subheader(_("Compare runs"))
st.markdown(_(evaluate_view.HEADLINE))
choices = glue.comparable(options, config)
glue.init_compare(choices, chosen, evaluate_view.COMPARE_START)
picked = st.multiselect(_("Runs to compare"), choices, format_func=options.get, key=glue.COMPARE_KEY,
                        max_selections=len(plots.RUN_COLORS),
                        placeholder=_("Pick runs you trained on the Train page"))
loaded = [glue.load_run(path) for path in picked]
for _run, problem in loaded:
    if problem:
        st.warning(problem)
compared = [r for r, _problem in loaded if r is not None]
if compared:
    rows = compare.compare_runs(compared)
    names = [r.name for r in rows]
    st.dataframe(evaluate_view.comparison_rows(rows), hide_index=True, width="stretch",
                 key="evaluate_compare_table")
    history = compare.history_table(compared)
    curves = evaluate_view.available_curves(history)
    curve_col, size_col = st.columns(2, gap="large")
    with curve_col:
        if curves:
            glue.keep_choice("evaluate_curve", curves, evaluate_view.default_curve(history, names))
            curve = st.selectbox(_("Learning curve"), curves, key="evaluate_curve",
                                 format_func=lambda c: _(evaluate_view.CURVES[c]))
            against = st.radio(_("Against"), ("epoch", "seconds"), key="evaluate_against",
                               horizontal=True,
                               format_func=lambda v: _(evaluate_view.AGAINST[v]))
            st.plotly_chart(plots.history_overlay(history, curve, _(evaluate_view.CURVES[curve]),
                                                  names=names, seconds=None if against == "epoch"
                                                  else compare.epoch_seconds(compared)),
                            key="evaluate_histories", config=NO_BAR)
            note = evaluate_view.missing_curve_note(history, names, curve)
            if note:
                st.caption(note)
    with size_col:
        st.markdown(_("**Test accuracy against size**"))
        st.plotly_chart(plots.accuracy_vs_params(rows), key="evaluate_size", config=NO_BAR)
        st.caption(_("Up and to the left is better: more accurate with fewer parameters."))
elif not choices:
    st.info(_("Train a model on the **Train** page; your runs appear here to compare."))
