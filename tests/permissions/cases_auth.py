"""Logins and sessions (issue 13): the lockouts page and its unlock are the district administrator's; a
signed-in user's own sessions page is everyone's; the second-factor pages send a verified (or a
password-only) user on, and the enrolling QR code is nobody's once enrolled."""

from tests.permissions.spec import ALL_PERSONAS, Case, each

EVERYONE = ALL_PERSONAS

CASES = [
    Case("lockouts", allowed={"district_admin": 200}),
    Case("lockout_unlock", method="post", data=lambda w: {"kind": "username", "value": "nobody"},
         allowed={"district_admin": 409}, note="nothing is locked: a conflict, not an unlock"),
    Case("sessions", allowed=each(EVERYONE, 200)),
    Case("session_end", method="post", args=lambda w: [999999], allowed=each(EVERYONE, 302),
         note="no such session of theirs: back to the list"),
    Case("sessions_end_others", method="post", allowed=each(EVERYONE, 302)),
    Case("login_verify", allowed=each(EVERYONE, 302), note="verified already (the matrix signs in with the code)"),
    Case("login_enrol", allowed=each(EVERYONE, 302)),
    Case("login_enrol_qr", allowed=each(EVERYONE, 404), note="enrolled, or a post without a second factor"),
]
