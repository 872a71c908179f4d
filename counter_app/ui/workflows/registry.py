"""Action -> workflow dialog factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from counter_app.services.permissions import Action

WORKFLOWS: dict[Action, Callable[[Any], Any]] = {}
