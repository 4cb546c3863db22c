"""Run every benchmark in turn (`make bench`). Each prints its own ratios against its own baseline."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["auth.py", "anonymizer.py", "directory.py", "realtime.py", "connections.py"]

if __name__ == "__main__":
    failed = []
    for name in BENCHMARKS:
        if not (HERE / name).exists():
            continue
        print(f"\n######## bench/{name}", flush=True)
        if subprocess.run([sys.executable, str(HERE / name)], cwd=HERE.parent).returncode:
            failed.append(name)
    sys.exit(1 if failed else 0)
