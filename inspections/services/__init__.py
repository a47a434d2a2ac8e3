"""The write path of patrols and enforcement, one module per business action group: ``checklists``,
``photos``, ``recording`` (an inspection with its answers, findings and photos), ``orders`` (re-inspection,
extension, escalation), ``stop_work`` (start, lift), ``unauthorised`` (a venue found open), ``due`` (the
look-back lists). Each checks its rule table, writes and records the audit entry in one transaction."""
