"""Queries over the lake: DuckDB views (``sql/staging``, ``sql/marts``) and the one query API
(:mod:`pipeline.query.queries`) for the app, notebooks and reports.

This package is the dashboard's only door into the pipeline (``tests/test_architecture.py``):
the few names the app needs from other stages — the error base class, the lake's table names,
the migration plan, the site's evidence rule, the spreadsheet-safe CSV writer — are re-exported here rather than imported by the app from where they live.
"""

from pipeline.config import EvidenceRule as EvidenceRule
from pipeline.config import load_config as load_config
from pipeline.errors import MailtlsError as MailtlsError
from pipeline.lake.schema import TABLES as TABLES
from pipeline.plan.phases import EMPTY_PLAN as EMPTY_PLAN
from pipeline.plan.phases import Plan as Plan
from pipeline.plan.phases import load_plan as load_plan
from pipeline.report.render import csv_text as csv_text
