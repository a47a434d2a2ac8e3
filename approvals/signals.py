"""Domain signals sent inside the deciding transaction (receivers write in the same transaction)."""

from django.dispatch import Signal

# Sent by the approvals services when an application reaches ``approved``, inside the transaction.
# kwargs: application, actor. The placards app issues the placard from it.
application_approved = Signal()
