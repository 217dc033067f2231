"""The dashboard pages: scripts that st.navigation runs, one per page."""
