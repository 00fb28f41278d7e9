"""CNN Lab: routes to the pages. Run with `streamlit run app.py`."""

import streamlit as st

st.set_page_config(page_title="CNN Lab", page_icon="🧠", layout="wide")

page = st.navigation([
    st.Page("views/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("views/convolution.py", title="Convolution explained", icon=":material/grid_on:"),
    st.Page("views/design.py", title="Design", icon=":material/view_in_ar:"),
    st.Page("views/train.py", title="Train", icon=":material/model_training:"),
    st.Page("views/evaluate.py", title="Evaluate", icon=":material/analytics:"),
    st.Page("views/draw.py", title="Draw & predict", icon=":material/draw:"),
])
page.run()
