"""Read models of a holder's records (RULES Q2–Q6), one module per subject.

``counter_app.services.records`` is the door: it checks the holder session, audits the
view by category and calls the query here. Each query is a fixed small number of
statements (no N+1) and returns frozen dataclasses.
"""
