"""One BLAS thread a process, unless the operator says otherwise (imported before anything loads numpy).

Why: numpy's bundled OpenBLAS starts a worker thread per core that spins while it waits. The spaCy model
of the lesson anonymizer (pii_ner) does many small matrix products, too small to share, so on the
2-core machine the spinning thread cost ~20 % of the model's CPU time for no speed (measured: one
name-dense lesson at its field limits, model 0.42 s -> 0.34 s CPU, wall time lower too). In a threaded
server the request threads are the parallelism; BLAS threads only compete with them. The variable is
read once, when numpy first loads, so this module must be imported before it (taskforce/__init__ does).
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
