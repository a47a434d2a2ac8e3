"""The rule tables of patrols and enforcement, one module per workflow (how a table is written:
``zhifu_reopen.rules``): ``inspection`` (record, view), ``checklist`` (edit, publish), ``order``
(re-inspect, extend), ``stop_work`` (start, lift). The scopes they share are here."""
