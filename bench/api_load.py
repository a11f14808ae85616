"""The API against the framework's ceiling: requests per second and p50/p99 of a
bare Flask "hello" and of the app's main endpoints, each under gunicorn with the
same settings on 127.0.0.1, loaded by wrk in another process. Never part of the
tests.

    python bench/api_load.py [--db sqlite|postgres] [--duration 10] [--connections 16]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from kinetic import testing

HERE = Path(__file__).parent
POST_SCRIPT = """
wrk.method = "POST"
wrk.body = '{"low_back": 3, "neck": 2, "headache": 1}'
wrk.headers["Content-Type"] = "application/json"
"""
GOALS = {"POST /me/pain": 0.3}  # reads: 0.5


def login(url: str, email: str, password: str) -> str:
    request = urllib.request.Request(
        f"{url}/api/v1/auth/login",
        data=json.dumps({"email": email, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)["token"]


@contextmanager
def database(kind: str, workdir: str):
    if kind == "sqlite":
        yield f"sqlite:///{workdir}/bench.db"
        return
    with testing.throwaway_postgres("kinetic_http") as url:
        yield url


@contextmanager
def gunicorn(app: str, env: dict, workers: int, chdir: Path | None = None):
    port = testing._free_port()
    command = [
        testing.BIN / "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        app,
    ]
    if chdir:
        command[1:1] = ["--chdir", str(chdir)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # answering (a 404 is an answer)
            except OSError:
                time.sleep(0.1)  # a real process starting up
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def wrk(url: str, seconds: int, connections: int, token=None, post=False) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    script = None
    if post:
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script.write(POST_SCRIPT)
        script.close()
        command += ["-s", script.name]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    if script:
        os.unlink(script.name)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk (Debian)")

    workdir = tempfile.mkdtemp(prefix="kinetic-http-")
    with database(args.db, workdir) as url:
        env = {**testing.live_env(workdir, url), "LOG_FORMAT": "json"}
        for command in (["db", "upgrade"], ["programs", "load"], ["demo"]):
            subprocess.run(
                [testing.BIN / "kinetic", *command],
                env=env,
                check=True,
                capture_output=True,
            )
        rows = []
        with gunicorn("hello_app:app", env, args.workers, chdir=HERE) as hello:
            wrk(f"{hello}/hello", 2, args.connections)  # warm-up
            rows.append(
                (
                    "hello (bare Flask)",
                    wrk(f"{hello}/hello", args.duration, args.connections),
                )
            )
        with gunicorn("kinetic:create_app()", env, args.workers) as base:
            patient = login(base, "patient@demo.kinetic", "demo-patient")
            therapist = login(base, "therapist@demo.kinetic", "demo-therapist")
            cases = [
                ("POST /me/pain", "/api/v1/me/pain", patient, True),
                ("GET /me/today", "/api/v1/me/today", patient, False),
                ("GET /me/trends?days=90", "/api/v1/me/trends?days=90", patient, False),
                ("GET /patients", "/api/v1/patients", therapist, False),
            ]
            for name, path, token, post in cases:
                wrk(base + path, 2, args.connections, token, post)  # warm-up
                rows.append(
                    (
                        name,
                        wrk(base + path, args.duration, args.connections, token, post),
                    )
                )

    ceiling = rows[0][1]["rps"]
    print(
        f"# HTTP on {args.db}: gunicorn {args.workers} sync workers, wrk 1 thread, "
        f"{args.connections} connections, {args.duration} s each"
    )
    print("| endpoint | req/s | p50 ms | p99 ms | ratio to hello | goal | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in rows:
        goal = "" if name.startswith("hello") else GOALS.get(name, 0.5)
        ratio = r["rps"] / ceiling
        mark = (
            ""
            if goal == ""
            else (f"≥ {goal} " + ("met" if ratio >= goal else "MISSED"))
        )
        print(
            f"| {name} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | "
            f"{ratio:.2f} | {mark} | {r['errors']} |"
        )


if __name__ == "__main__":
    main()
