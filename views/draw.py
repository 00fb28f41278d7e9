"""Draw & predict: draw a digit (or upload a photo), see it prepared the MNIST way, read the model.

Test hook: besides the canvas (which AppTest cannot draw on), an image can be given through the
"Upload a photo" input, whose file uploader AppTest drives (key "draw_upload").
"""

import streamlit as st
from streamlit_drawable_canvas import st_canvas

from cnnlab.errors import LabError
from cnnlab.drawing.uploads import read_upload
from cnnlab.plots import digits
from cnnlab.drawing.predict import predict_probabilities, top_k
from cnnlab.drawing.doubt import doubts, how_it_decides
from cnnlab.drawing.preprocess import (EMPTY_MESSAGE, EMPTY_UPLOAD_MESSAGE, is_empty,
                                       preprocess_digit)
from ui import draw as draw_glue
from ui import language
from ui import resources
from ui import session
from cnnlab.text import percent
from cnnlab.i18n import _, sentences

owner = session.student_id()
config = resources.settings()
st.title(_("Draw & predict"))
st.write(_("Draw a digit and watch a trained network read it: first the drawing is prepared the way "
         "MNIST's digits were, then the model gives a probability for each of the ten digits."))

chosen = draw_glue.pick_model(config, owner)
model, model_problem = draw_glue.load_model(config, chosen)
if model_problem:
    st.warning(model_problem)

left, right = st.columns([1, 1.3], gap="large")
image = None
with left:
    source = st.radio(_("Input"), ["Draw", "Keyboard", "Upload a photo"], horizontal=True,
                      key="draw_source", label_visibility="collapsed",
                      format_func=lambda s: {"Draw": _("Draw"), "Keyboard": _("Keyboard grid"),
                                             "Upload a photo": _("Upload a photo")}[s])
    if source == "Keyboard":
        image = draw_glue.keyboard_grid()
    elif source == "Draw":
        stroke = st.session_state.get("draw_stroke", 18)
        st.space(24)  # room for the canvas' own toolbar (upload, undo, redo, edit, delete)
        canvas = st_canvas(stroke_width=stroke, stroke_color="#FFFFFF", background_color="#000000",
                           height=280, width=280, drawing_mode="freedraw", update_streamlit=True,
                           return_image_data=True, key=draw_glue.canvas_key())
        pen, clear = st.columns([5, 2], vertical_alignment="bottom")  # room for "Clear" in full
        pen.slider(_("Pen width"), 6, 40, 18, key="draw_stroke",
                   help=_("MNIST digits have thick strokes: about a tenth of the box."))
        clear.button(_("Clear"), key="draw_clear", on_click=draw_glue.clear_canvas,
                     icon=":material/ink_eraser:")
        image = canvas.image_data
    else:
        upload = language.file_uploader(_("A PNG or JPEG photo or scan of one digit"),
                                        type=["png", "jpg", "jpeg"], key="draw_upload")
        if upload is None:
            st.info(_("Upload a photo of one handwritten digit: dark on light paper or light "
                      "on dark both work."))
        else:
            try:
                image = read_upload(upload.getvalue(), upload.name, config.limits)
                st.image(image, caption=_("Your photo"), width=220)
            except LabError as err:
                st.error(str(err))

steps = probs = None
with right:
    if image is not None and is_empty(image):
        st.info(_(EMPTY_UPLOAD_MESSAGE) if source == "Upload a photo" else _(EMPTY_MESSAGE))
    elif image is not None:
        try:
            steps = preprocess_digit(image)
            st.session_state["draw_last_digit"] = steps.final28  # for the Invariance lab
            probs = predict_probabilities(model, steps.model_input) if model is not None else None
        except LabError as err:
            st.error(str(err))
    elif source == "Draw":
        st.info(_(EMPTY_MESSAGE))
    if probs is not None:
        st.subheader(_("What the model reads"))
        novelty = draw_glue.novelty_score(chosen, steps.model_input)
        doubt = doubts(steps.final28, steps.cropped, probs, novelty)
        if doubt.doubtful:
            st.warning(sentences(_("**This does not look like a digit.** A digit classifier "
                                   "always answers with a digit, so read its guess below with "
                                   "care:"),
                                 *(f"{reason[0].upper()}{reason[1:]}" for reason in doubt.reasons)),
                       icon=":material/help:")
        for column, (rank, (digit, p)) in zip(st.columns(3), enumerate(top_k(probs, 3))):
            column.metric((_("1st choice"), _("2nd choice"), _("3rd choice"))[rank], str(digit),
                          percent(p, 1),
                          delta_color="off", delta_arrow="off", border=rank == 0)
        st.plotly_chart(digits.probability_bars(probs, height=300), width="stretch",
                        key="draw_probs", config={"displayModeBar": False})
        st.caption(_("The last layer's softmax turns the ten scores into probabilities that add "
                     "up to 100%. A confident model puts nearly all of it on one digit."))
        with st.expander(_("The ten probabilities as a table")):
            st.table(digits.probability_table(probs), hide_index=True)
        with st.expander(_("How CNN Lab tells a digit from something else")):
            st.write(how_it_decides(novelty))

if steps is not None:
    st.subheader(_("How the drawing is prepared"))
    st.caption(_("MNIST digits were centred and scaled this way, so the model only reads digits that "
               "look the same. The pixel values end up between 0 (black) and 1 (white)."))
    strip, final = st.columns([3, 1])
    strip.plotly_chart(digits.preprocessing_strip(steps), width="stretch", key="draw_steps",
                       config={"displayModeBar": False})
    final.plotly_chart(digits.image_heatmap(steps.final28, _("What the model sees (28×28)"), 270),
                       width="stretch", key="draw_final", config={"displayModeBar": False})

if probs is not None and st.toggle(_("Show what the network sees"), value=True, key="draw_insight"):
    winner = top_k(probs, 1)[0][0]
    st.subheader(_("Which pixels made it say {digit}").format(digit=winner))
    sal, note = st.columns([1, 2])
    sal.plotly_chart(digits.saliency_overlay(steps.final28, resources.inspector(chosen).saliency(steps.final28)),
                     width="stretch", key="draw_saliency", config={"displayModeBar": False})
    note.write(_("A **saliency map**: for every input pixel, how much a small change to it would "
                 "move the score for **{digit}** (the gradient's size, largest = 1). Orange pixels "
                 "decided the answer; transparent ones hardly mattered.").format(digit=winner))
    st.subheader(_("Feature maps: what each convolution layer detects"))
    maps = resources.inspector(chosen).feature_maps(steps.final28)
    if not maps:
        st.info(_("This model has no convolution layers (it reads the pixels directly with "
                  "Dense layers), so there are no feature maps to show."))
    for layer in maps:
        st.markdown(digits.feature_map_caption(layer.layer_name, layer.kind, layer.maps.shape))
        st.plotly_chart(digits.feature_map_grid(layer.maps), width="stretch",
                        key=f"draw_maps_{layer.layer_name}", config={"displayModeBar": False})
    if maps:
        st.caption(_("Each small map is one filter's output: bright where the filter found its "
                     "pattern (hover a map for its filter number). Early layers find edges and "
                     "strokes; deeper ones combine them."))
