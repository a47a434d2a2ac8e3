"""Yearly sequences (办件编号, 公示牌编号): the next number of a sequence in a year."""

from __future__ import annotations

from django.db import transaction

from .models import YearlyCounter

APPLICATION = "application"  # 办件编号 ZF{year}{n:06d}
PLACARD = "placard"  # 公示牌编号 {year}-{n:05d}


def counter_next(sequence: str, year: int) -> int:
    """Take the next number of ``sequence`` in ``year``. The counter row stays locked until the caller's
    transaction commits, so concurrent takers queue here and a rolled-back one gives its number back; the
    first number of a year is safe too (the row is created with ON CONFLICT DO NOTHING, then locked)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counter_next must run inside the transaction that uses the number")
    YearlyCounter.objects.bulk_create([YearlyCounter(sequence=sequence, year=year)], ignore_conflicts=True)
    counter = YearlyCounter.objects.select_for_update().get(sequence=sequence, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
