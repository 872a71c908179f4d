"""Business reports (RULES S3): the day at a window, lapsing phone reports, who saw a holder's
data, staff activity — as PDF (the forms' embedded CJK font, charts) and CSV (UTF-8 + BOM).

Queries aggregate in the database (GROUP BY, window functions), the same statements on SQLite
and PostgreSQL. This package imports no Qt and nothing from ``counter_app.ui`` or
``counter_app.services``: it is a layer below the services and reads only the models.

Entry points: :func:`reports.runner.produce` (request → bytes, with a progress callback), or
the builders ``reports.daily.build_daily_report``, ``reports.lapsing.build_lapsing_report``,
``reports.access_log.build_access_report``, ``reports.staff_activity.build_staff_activity``
with :func:`reports.pdf.render_pdf` / :func:`reports.csv_out.render_csv`.
"""
