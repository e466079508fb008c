"""Peak memory of the CSV export for 2,000 and 20,000 orders, run by hand (about a minute):

    .venv/bin/pytest orders/tests/measure_export_memory.py -s -q

Not named `test_*.py`, so the everyday test run leaves it out; `test_export.py` keeps a
cheaper check (500 against 2,000 orders) always on.
"""

import pytest

from orders.models import Order
from orders.tests.test_export import bulk_orders, peak_export_memory

pytestmark = pytest.mark.django_db


def test_export_memory_for_2000_and_20000_orders(staff_client):
    peaks = {}
    for count in (2_000, 20_000):
        Order.objects.all().delete()
        bulk_orders(count)
        peak, exported = peak_export_memory(staff_client)
        assert exported == count
        peaks[count] = peak
        print(f"\nexport of {count:>6,} orders: peak {peak / 2**20:.2f} MB")

    assert peaks[20_000] < peaks[2_000] * 1.25
