"""Time the staff dashboard's figures on a cache miss, against an existing database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beautique_big python bench/dashboard.py

Calls each function of `analytics.services` (and `dashboard()`, which runs them all)
7 times after one warm-up call, for all time and for the 30 days up to the newest
order, and prints the median milliseconds. Timing lives here, never in the test suite.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7


def median_ms(call) -> float:
    call()
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beautique.settings")
    os.environ.setdefault("DEBUG", "1")
    django.setup()

    from django.db.models import Max

    from analytics import services
    from orders.models import Order

    newest = Order.objects.aggregate(newest=Max("order_date"))["newest"]
    ranges = {"all time": {}}
    if newest is not None:
        ranges["30 days"] = {"start_date": newest - timedelta(days=29), "end_date": newest}
    functions = ["order_totals", "top_products", "daily_series", "recent_orders", "dashboard"]
    print(f"{Order.objects.count():,} orders; median of {RUNS} calls, ms")
    print(f"{'':15}" + "".join(f"{name:>15}" for name in ranges))
    for name in functions:
        function = getattr(services, name)
        cells = [median_ms(lambda f=function, r=bounds: f(**r)) for bounds in ranges.values()]
        print(f"{name:15}" + "".join(f"{cell:15.1f}" for cell in cells))


if __name__ == "__main__":
    main()
