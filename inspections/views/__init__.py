"""The patrol pages, one module per room: ``recording`` (an inspection, its photos), ``enforcement``
(orders, re-inspection, stop-work, unauthorised openings), ``due`` (the due list, the teams),
``checklists``."""
