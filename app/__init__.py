"""The mailtls dashboard (Streamlit): ``mailtls dashboard`` or
``streamlit run app/streamlit_app.py -- --lake DIR``. Pages only call ``pipeline.query.queries``."""
