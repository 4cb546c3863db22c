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


def against_one_thread(function, inputs: list, *, expected: list | None = None, rounds: int = 3,
                       count: int = 8) -> dict:
    """`function` on every input once on this thread (or `expected`, computed before), then on `count` threads at once, each calling it on
    every other input (alternating by worker and round) `rounds` times: what raised, how many calls ran, and
    which (worker, round, input index) gave another result than the one thread did."""
    expected = [function(item) for item in inputs] if expected is None else expected
    calls, differing = [], []

    def work(worker: int) -> None:
        for round_ in range(rounds):
            for index, item in enumerate(inputs):
                if (index + worker + round_) % 2 == 0:
                    calls.append(index)
                    if function(item) != expected[index]:
                        differing.append((worker, round_, index))

    return {"errors": run_on_threads(work, count), "calls": len(calls), "differing": differing}
