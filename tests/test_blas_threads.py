"""The app runs numpy's BLAS on one thread (taskforce/blas_threads.py), unless the operator set it."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = ("import taskforce, numpy, os; numpy.ones((64, 64)) @ numpy.ones((64, 64)); "
         "print(os.environ['OPENBLAS_NUM_THREADS'], "
         "open('/proc/self/status').read().split('Threads:')[1].split()[0])")


def _probe(**env) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env={**clean, **env}, capture_output=True,
                          text=True, check=True, timeout=120)
    return done.stdout.split()


def test_the_app_loads_numpy_with_one_blas_thread():
    assert _probe() == ["1", "1"]  # no spinning BLAS worker beside the process's own thread


def test_an_operators_setting_is_kept():
    setting, threads = _probe(OPENBLAS_NUM_THREADS="2")
    assert setting == "2" and int(threads) >= 2
