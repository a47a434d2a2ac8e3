"""Domain signals sent inside the deciding transaction (receivers write in the same transaction)."""

from django.dispatch import Signal

# Sent by the approvals services when an application reaches ``approved``, inside the transaction.
# kwargs: application, actor. The placards app issues the placard from it.
application_approved = Signal()

# Sent by ``services.common.application_save`` — the one place every change of an application's status
# goes through — when an application that had been approved is rejected or withdrawn (after a change of
# substance sent it back to review), inside the transaction. kwargs: application, actor, reason. The
# placards app revokes the placard from it.
application_approval_lapsed = Signal()
