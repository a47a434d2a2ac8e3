"""The audit trail (dashboards/audit/): the task force and the district administrator search it and export
it; every other role is refused (403), the anonymous sent to sign in."""

from __future__ import annotations

from tests.permissions.spec import Case, each

AUDITORS = ("taskforce", "district_admin")

CASES = [
    Case("audit_trail", allowed=each(AUDITORS, 200)),
    Case("audit_trail", query="actor=staff_xy&action=auth.&request_id=abcdefgh", allowed=each(AUDITORS, 200)),
    Case("audit_trail", query="date_from=2024-02-30", allowed=each(AUDITORS, 400)),
    Case("audit_trail", query="after=bogus", allowed=each(AUDITORS, 400)),
    Case("audit_trail", method="post", allowed=each(AUDITORS, 405)),
    Case("audit_export", method="post", allowed=each(AUDITORS, 302)),
    Case("audit_export", method="post", query="enterprise=x", allowed=each(AUDITORS, 400)),
]
