"""The one write path for placards: issuing, rendering, batch printing, status and scans."""

from .issuing import format_number, placard_issue, placard_render_request
from .placard_pdf import placard_data, placard_render
from .printing import batch_print_request, placards_print_to
from .status import (
    placard_reinstate,
    placard_revoke,
    placard_revoke_for_application,
    placard_suspend,
    placard_under_change_review,
)

__all__ = [
    "batch_print_request", "format_number", "placard_data", "placard_issue", "placard_reinstate",
    "placard_render", "placard_render_request", "placard_revoke", "placard_revoke_for_application",
    "placard_suspend", "placard_under_change_review", "placards_print_to",
]
