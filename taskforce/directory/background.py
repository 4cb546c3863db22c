"""An import job run in a background thread, handed only the job's id.

The request's ORM objects belong to the request's session, which is expired by its commit and closed when
the request ends: a worker thread that touched them would share a Session across threads or hit a
DetachedInstanceError and leave the job "running". So the worker gets a plain int and its own app context
(and so its own session)."""
import threading

from flask import current_app


def run_job_in_background(job_id: int, run, what: str) -> threading.Thread:
    """Start `run(job_id)` in a daemon thread with its own app context; a failure is logged (the job row
    already says "failed"), never raised into nowhere."""
    if not isinstance(job_id, int):
        raise TypeError("a background job is handed its id, never the ORM object")
    app = current_app._get_current_object()

    def work():
        with app.app_context():
            try:
                run(job_id)
            except Exception:  # the job row already says "failed"; keep the trace in the log
                app.logger.exception("%s job %s failed", what, job_id)
    thread = threading.Thread(target=work, name=f"{what.replace(' ', '-')}-{job_id}", daemon=True)
    thread.start()
    return thread
