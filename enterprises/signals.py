"""Domain signals the registry sends to the layers above it, which it does not import."""

from django.dispatch import Signal

# Sent by ``services.registry.enterprise_close`` inside its transaction, the enterprise's row locked, before
# the enterprise is closed for good. kwargs: enterprise, user. A receiver refuses the close by raising
# DomainError: approvals while an application is open, placards while a placard still stands (each
# decided by its own workflow first).
enterprise_closing = Signal()
