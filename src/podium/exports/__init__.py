"""Exports: the raw grading export (a zip of five CSVs, or one of them), the agent groups export
and the audit log export. An export is a row and a job; the job streams rows from the database
into a file in the blob store. See docs/exports.md."""
