"""The framework's ceiling: a bare Flask endpoint answering JSON, served by the
same gunicorn configuration as the app (bench/api_load.py)."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return {"message": "hello"}
