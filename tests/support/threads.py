"""Run one function in several threads at once, for concurrency tests on PostgreSQL."""
import threading

from django.db import connection


def run_in_threads(fn, count: int, timeout: float = 120):
    """Call fn(i) for i in range(count), each in its own thread, all released together by a barrier.
    Returns (results, errors): exceptions are collected for the test's assertion, not raised in a
    thread where pytest would not see them. Each thread closes its own database connection."""
    results, errors, barrier = [], [], threading.Barrier(count)

    def work(i):
        try:
            barrier.wait()
            results.append(fn(i))
        except Exception as exc:  # collected: the caller asserts on it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results, errors
