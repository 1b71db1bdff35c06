"""gunicorn's settings beyond its command line (deploy/systemd/ideenplattform.service: --config).

The unit runs gunicorn with --preload: the master loads wsgi:app once and forks every worker from
it, also each one that replaces a worker after --max-requests. Once the app is loaded and before the
first worker is forked, app.operations.prepare_for_workers does what every worker would otherwise do
for itself and drops the master's database connections (decision 0031).
"""


def when_ready(server):  # gunicorn's hook: in the master, after --preload loaded the app, before any worker
    if not server.cfg.preload_app:
        return  # (each worker loads the app itself: nothing to share, and wsgi() here would load it in the master)
    from app.operations import prepare_for_workers

    prepare_for_workers(server.app.wsgi())
