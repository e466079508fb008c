"""Running requests at the same moment, for the PostgreSQL concurrency tests."""

import threading

from django.db import connection


def in_threads(count, work):
    """Run `work(i)` in `count` threads started together, each with its own DB connection.

    Answers each call's result (None where it raised) and the exceptions raised.
    """
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
