"""The dashboard's entrypoint: a router. ``streamlit run app/streamlit_app.py -- --lake DIR``."""

import streamlit as st

from app import frame

st.set_page_config(page_title="mailtls", page_icon=":material/lock:", layout="wide")
page = st.navigation(
    [
        st.Page(
            "app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True
        ),
        st.Page("app_pages/users.py", title="Users", icon=":material/group:"),
        st.Page("app_pages/migration_plan.py", title="Migration plan", icon=":material/flag:"),
        st.Page("app_pages/data_quality.py", title="Data quality", icon=":material/fact_check:"),
    ]
)
frame.sidebar()
page.run()
