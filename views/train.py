"""Train: train the student's exact design on MNIST, watch it live, and manage the saved runs.

Training runs in worker processes on the server (cnnlab.training.queue); this page only submits jobs
and polls them, so clicks, reruns or a closed tab never interrupt a training.
"""

import streamlit as st

from cnnlab.runs import store as runs

from cnnlab.training import page_text as train_view
from cnnlab.errors import LabError
from cnnlab.design.overview import glance
from cnnlab.training.config import TrainConfig
from cnnlab.training.trainability import trainability_problem
from ui import resources
from ui import session
from ui import challenges
from ui import train as glue
from cnnlab.i18n import _, ngettext
from cnnlab.text import count

owner = session.student_id()
config = resources.settings()

st.title(_("Train your CNN"))
st.write(_("Pick how to train, click **Start training**, and watch your network learn: its loss "
         "and accuracy update live, and the finished model is saved as one of your runs."))

# 1. The design that will be trained
arch = session.design()
design = glance(arch)
problem = trainability_problem(arch)  # the server refuses such a job with the same words
with st.container(border=True):
    text, link = st.columns([4, 1], vertical_alignment="center")
    layers = ngettext("{n} layer", "{n} layers", design.n_layers).format(n=design.n_layers)
    params = (" · " + _("**{n}** parameters").format(n=count(design.total_params))
              if design.total_params is not None else "")
    shape = " × ".join(str(d) for d in design.input_shape)
    text.markdown(_("**The design you will train** ({layers})").format(
        layers=layers + params + ", " + _("input {shape}").format(shape=shape)))
    text.code(design.flow, language=None, wrap_lines=True)
    link.page_link("views/design.py", label=_("Change it"), icon=":material/view_in_ar:", query_params={"lab": owner})
    if problem:
        st.error(_("This design cannot train on MNIST yet. {problem}").format(problem=problem),
                 icon=":material/block:")

# 2. How to train it (within a challenge's caps when training for one)
st.subheader(_("Training settings"))
challenge, limits = challenges.training_limits(owner, config.limits)
glue.init_form(limits)
with st.container(border=True):
    submitted = glue.settings_form(limits, blocked=problem is not None)
if submitted is not None:
    values, name = submitted
    try:
        challenges.check_caps(arch, TrainConfig(**values), limits)
        job_id = resources.job_manager().submit(owner, arch, TrainConfig(**values), name)
    except LabError as err:
        st.error(str(err), icon=":material/block:")
    else:
        st.session_state[glue.JOB_KEY] = job_id
        st.session_state.pop(glue.STOP_KEY, None)

# 3. The live view: queued, running, finished
st.subheader(_("Your training"))
st.caption(_("Training runs on the server: you may switch pages or close this tab and come back "
           "with your bookmark (your lab code is in the address); it keeps going."))
glue.live_view(owner)

# 4. Every run the student has saved
st.subheader(_("Your runs"))
jobs = resources.job_manager().jobs(owner)
saved = runs.list_runs(config.runs_dir, owner, running=train_view.active_run_dirs(jobs))
glue.show_notice()
if not saved:
    st.caption(_("Your finished trainings will be listed here."))
else:
    st.dataframe(train_view.run_rows(saved), hide_index=True, key="train_runs_table",
                 column_config={"Status": st.column_config.TextColumn(width="medium")})
    glue.run_manager(saved, owner, config.runs_dir)
glue.trash_panel(runs.owner_dir(config.runs_dir, owner))  # deleted runs, restorable for a while
