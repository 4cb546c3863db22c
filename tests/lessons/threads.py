"""Run one function on many threads at once and hand back what any of them raised."""
import threading


def run_on_threads(work, count: int = 8) -> list[BaseException]:
    """`work(worker_number)` on `count` threads started together; the exceptions they raised."""
    errors = []

    def guarded(worker: int) -> None:
        try:
            work(worker)
        except BaseException as error:  # noqa: BLE001 - returned to the test, which asserts none
            errors.append(error)
    threads = [threading.Thread(target=guarded, args=(w,)) for w in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
