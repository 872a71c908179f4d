"""The demo city: ``fill_demo`` (``counter-admin demo-data``), ``ensure_demo_database``
(``counter-app --demo``), and the well-known demo accounts and holders (``accounts``).

Importing this package does nothing else; generation runs only when called.
"""

from counter_app.demo.accounts import DEMO_ACCOUNTS, FIXED_HOLDERS, ROLE_PASSWORDS
from counter_app.demo.ensure import ensure_demo_database
from counter_app.demo.generate import DemoDataError, DemoSummary, fill_demo

__all__ = [
    "DEMO_ACCOUNTS",
    "FIXED_HOLDERS",
    "ROLE_PASSWORDS",
    "DemoDataError",
    "DemoSummary",
    "ensure_demo_database",
    "fill_demo",
]
