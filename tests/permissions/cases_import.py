"""Import and export pages: importing is street staff's (own street only); every role exports what
it sees."""

from tests.enterprises.import_helpers import row, xlsx
from tests.permissions.spec import ALL_PERSONAS, Case, each


def import_data(world):
    # One 向阳 enterprise: staff_xy imports it (200); staff_ds's file is refused row by row (400, nothing
    # written) because 向阳 is not its street.
    return {"file": xlsx([row(1)]), "mode": "report"}


OFFICIALS = tuple(p for p in ALL_PERSONAS if p != "firm_xy")

CASES = [
    Case("enterprises:import", allowed={"staff_xy": 200, "staff_ds": 200}),
    Case("enterprises:import", method="post", data=import_data, allowed={"staff_xy": 200, "staff_ds": 400},
         note="staff_ds may not import a 向阳 enterprise"),
    Case("enterprises:import_template", allowed={"staff_xy": 200, "staff_ds": 200}),
    Case("enterprises:export", method="post", allowed=each(OFFICIALS, 200),
         note="each official exports only the enterprises it sees (tests/enterprises/test_export.py); not the firm"),
    Case("enterprises:export", method="post", query="scale=small&jurisdiction=1", allowed=each(OFFICIALS, 200)),
]
