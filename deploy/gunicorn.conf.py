"""gunicorn's settings beyond its command line (deploy/systemd/ideenplattform.service: --config).

The unit runs gunicorn with --preload: the master loads wsgi:app once and forks every worker from
it, also each one that replaces a worker after --max-requests (decision 0031). Two hooks make that
cheap and safe: once the app is loaded and before the first worker is forked, the master does what
every worker would otherwise do for itself and drops its database connections; a worker that ends
closes its connections and leaves without Python's teardown of the heap it shares with the master.
"""

import logging
import os
import sys


def when_ready(server):  # in the master, after --preload loaded the app, before any worker is forked
    if not server.cfg.preload_app:
        return  # (each worker loads the app itself: nothing to share, and wsgi() here would load it in the master)
    from app.operations import prepare_for_workers

    prepare_for_workers(server.app.wsgi())


def worker_exit(server, worker):
    """In a worker that ends (after --max-requests, on a restart or a stop): its database
    connections closed, its log written out, and then out without the interpreter's teardown.
    Freeing, object by object, a heap the worker shares with the master copies each of its pages
    first: 0.55 s of CPU for every replaced worker, against 0.03 s this way. The exit code is
    the one gunicorn's own exit carries (the master halts on a worker that failed to boot)."""
    if os.getpid() != worker.pid or not server.cfg.preload_app:
        return  # (gunicorn calls it in the master too, for a worker that vanished)
    ending = sys.exc_info()[1]
    code = ending.code if isinstance(ending, SystemExit) else 1
    try:
        from app.operations import drop_connections

        drop_connections(server.app.wsgi())
    finally:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code if isinstance(code, int) else 0 if code is None else 1)
