import threading

import pytest
from django.db import connection, transaction

from zhifu_reopen.counters import counter_next
from zhifu_reopen.models import YearlyCounter


@pytest.mark.django_db
def test_each_sequence_counts_on_its_own_per_year():
    with transaction.atomic():
        assert [counter_next("application", 2026) for _ in range(3)] == [1, 2, 3]
        assert counter_next("placard", 2026) == 1
        assert counter_next("application", 2027) == 1
    with pytest.raises(RuntimeError), transaction.atomic():  # a number given back with its transaction
        assert counter_next("application", 2026) == 4
        raise RuntimeError
    with transaction.atomic():
        assert counter_next("application", 2026) == 4


@pytest.mark.django_db(transaction=True)
def test_a_number_is_taken_inside_the_transaction_that_uses_it():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        counter_next("application", 2026)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_first_numbers_of_a_year_taken_at_once_are_all_different():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    barrier, numbers, errors = threading.Barrier(4), [], []

    def take():
        try:
            barrier.wait()
            with transaction.atomic():
                numbers.append(counter_next("application", 2031))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sorted(numbers) == [1, 2, 3, 4]
    assert YearlyCounter.objects.get(sequence="application", year=2031).last == 4
