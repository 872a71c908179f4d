"""The typed service interface the UI depends on (docs/ARCHITECTURE.md "Layers": the UI
knows the services only through one typed interface).

``CounterServices`` (``interface``) declares every call the workstation makes, with the
services' own signatures less the ``ServiceContext`` an implementation binds.
``InProcessServices`` (``inprocess``) delegates to ``counter_app.services`` in this
process; a remote client (``counter-server``) and the test fakes implement the same class.
"""

from counter_app.api.interface import CounterServices, category_member
from counter_app.api.types import SupervisorApproval

__all__ = ["CounterServices", "SupervisorApproval", "category_member"]
