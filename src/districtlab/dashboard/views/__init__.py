"""The lab's pages: Streamlit scripts (run by the app, never imported); a package so that the layer
contracts and mypy see their imports."""
