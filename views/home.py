"""Home: what CNN Lab is, the path through the pages, and the student's design at a glance.

Light on purpose (no TensorFlow): it is the first page every student opens.
"""

import streamlit as st

from cnnlab.design.overview import glance, shape_text
from cnnlab.i18n import _, ngettext
from cnnlab.text import count
from ui import challenges
from ui import session
from ui.pages import PATH

owner = session.student_id()

st.title("CNN Lab")
st.write(_("CNN Lab is a workbench for **convolutional neural networks** on MNIST, the classic "
         "set of 70,000 handwritten digits. You design a network layer by layer and see exactly "
         "what each layer computes, then train that very network, measure it, and test it on "
         "digits you draw yourself."))

challenges.challenges_box(owner)

st.subheader(_("Your path"))
for step, page in enumerate(PATH, start=1):
    c_link, c_what = st.columns([1, 3], vertical_alignment="center")
    with c_link:
        st.page_link(page.path, label=f"{step}. {_(page.title)}", icon=page.icon,
                     query_params={"lab": owner})
    c_what.write(_(page.what))

st.subheader(_("Your current design"))
design = glance(session.design())
st.code(design.flow, language=None, wrap_lines=True)
if design.error:
    st.error(design.error)
else:
    c_params, c_in, c_out = st.columns(3)
    c_params.metric(_("Total parameters"), count(design.total_params),
                    help=_("Every weight and bias the network learns (and any fixed statistics)."))
    c_in.metric(_("Input"), shape_text(design.input_shape),
                 help=_("A 28 × 28 grey image, 1 channel."))
    c_out.metric(_("Output"), shape_text(design.output_shape),
                 help=_("One score per digit class, 0 to 9."))
st.caption(ngettext("{n} layer. Change it on the Design page.",
                    "{n} layers. Change them on the Design page.", design.n_layers)
           .format(n=design.n_layers))

st.subheader(_("Your lab code"))
st.code(owner, language=None)
st.write(_("This code is your workspace: your designs and training runs are kept under it. "
         "**Bookmark this page's address to come back to your runs**: the code is in the "
         "address (`?lab=…`), so the bookmark brings you straight back."))
