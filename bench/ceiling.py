"""The ceiling: a trivial Flask route, served exactly like the app (gunicorn, 2 workers)."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "ok"
