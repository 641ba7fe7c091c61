"""Monthly tier reports (issue 6, F5): papermill runs of notebooks/monthly_tier_report.ipynb.

- params.py   months ("last"), locales, the parameter dict            [pure]
- paths.py    safe slugs and report paths (no path traversal)          [pure]
- content.py  the figures a report shows (store + core -> plain data)
- render.py   those figures as HTML blocks for the notebook's outputs
- runner.py   one report: papermill with guards -> ipynb, HTML, PDF, JSON (atomic)
- batch.py    many reports: process pool or Dask cluster, progress bar, summary
- index.py    reports/index.html
- cli.py      `partnerkit report`
"""
