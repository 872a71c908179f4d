"""The exit codes of ``counter-admin`` (docs/OPERATIONS.md), so that a cron job can tell an
attack from a network blip.

Every command:

- ``OK`` 0: done.
- ``FAILED`` 1: not done — refused by a rule, nothing found, the database unreachable, or an
  internal error (the message on stderr says which).
- ``USAGE`` 2: the command line or the settings are wrong (unknown option, bad value, no
  database URL); nothing was done.
- ``INTERRUPTED`` 130: stopped with Ctrl-C (``audit seal --every`` ends this way with 0).

``audit verify``, ``audit seal`` and ``audit checkpoint`` keep 1 for one meaning only:

- ``FAILED`` 1: the audit trail is broken (tampered with, rows missing); verify prints the
  first break of each chain.
- ``UNCHECKED`` 3: the trail could not be checked or sealed — the database cannot be
  reached or refused the login, its audit tables are missing (not migrated), or an
  internal error. Never 0 or 1: "could not check" is not "clean" and not "tampered".
"""

from __future__ import annotations

OK = 0
FAILED = 1
USAGE = 2
UNCHECKED = 3
INTERRUPTED = 130
