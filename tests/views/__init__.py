"""AppTest tests of the Streamlit pages."""
