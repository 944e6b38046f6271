"""Add articles page: uploaded files or pasted text -> data/uploads/<time>/ -> the CLI's ingest -> results."""

import streamlit as st

from analytics import db, explore, ui, uploads
from analytics.explore_view import md, show_records, show_summary
from etl.publish import LockTimeout

LAST = "add_articles_last"  # (folder, summary, doc_ids) of the last upload, kept across reruns

st.title(ui.t("page.add_articles"))
st.caption(ui.t("add.intro", path=f"`{db.db_path()}`"))
files = st.file_uploader(ui.t("add.files", types=", ".join(uploads.UPLOAD_TYPES)),
                         type=uploads.UPLOAD_TYPES, accept_multiple_files=True, key="add_articles_files")
pasted = st.text_area(ui.t("add.paste"), key="add_articles_paste", height=220)

if st.button(ui.t("add.submit"), key="add_articles_submit", type="primary"):
    folder = uploads.save_uploads([(f.name, f.getvalue()) for f in files or []], pasted)
    if folder is None:
        st.warning(ui.t("add.nothing"))
        st.stop()
    try:
        with st.spinner(ui.t("add.running")):
            summary = uploads.ingest_uploads(folder, db.db_path())
    except LockTimeout as error:
        st.error(ui.t("add.locked", error=md(error)))
        st.stop()
    except ValueError as error:  # e.g. a malformed data/corrections.csv: the CLI stops the same way
        st.error(ui.t("add.failed", error=md(error)))
        st.stop()
    docs, _ = uploads.read_uploads(folder)
    st.session_state[LAST] = (folder, summary, [d.doc_id for d in docs])

if LAST in st.session_state:
    folder, summary, doc_ids = st.session_state[LAST]
    st.success(ui.t("add.saved", folder=folder))
    show_summary(summary)
    if doc_ids:
        with ui.warehouse() as con:
            show_records(explore.documents_records(con, doc_ids), explore.documents_evidence(con, doc_ids))
