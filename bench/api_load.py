"""The API against the framework's ceiling: requests per second and p50/p99 of a
bare Flask "hello", of the app's main endpoints and of a peer's (wger, a Django
REST workout manager), each under gunicorn with the same settings on 127.0.0.1,
loaded by wrk in another process. Never part of the tests.

    python bench/api_load.py [--db sqlite|postgres] [--duration 10] [--connections 16]
                             [--no-peer]
"""

import argparse
import datetime
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import peer_wger

from kinetic import testing

HERE = Path(__file__).parent
# Writes have the lower goal; every other row is a read, with goal 0.5.
GOALS = {
    "POST /me/pain": 0.3,
    "POST /sessions/{id}/complete (with feedback)": 0.3,
    "POST /me/questionnaire-responses": 0.3,
    "POST /me/messages": 0.3,
}
# Stands for a client_id in a body: each request gets a new one (see lua_script).
CLIENT_ID = "@client_id@"
PAIN = {"low_back": 3, "neck": 2, "headache": 1, "client_id": CLIENT_ID}
PEG_3 = {
    "questionnaire": "peg-3",
    "answers": {"pain": 4, "enjoyment": 3, "activity": 3},
    "client_id": CLIENT_ID,
}
MESSAGE = {
    "body": "The chin tucks went well today; a little stiff in the morning.",
    "client_id": CLIENT_ID,
}
# The completion pool: plans of a year (the longest the API allows), every day,
# three sessions a day, started a year ago, so every session is due and can be
# completed once: 1,092 real writes a plan.
POOL_PLAN = {"weeks": 52, "days_of_week": list(range(7)), "sessions_per_day": 3}
POOL_DAYS = 52 * 7


def api(url: str, path: str, token: str, body=None):
    """One request with the bench's JSON client (setup, never measured)."""
    request = urllib.request.Request(
        url + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": token},
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def login(url: str, email: str, password: str) -> str:
    """The Authorization header value for the account."""
    request = urllib.request.Request(
        f"{url}/api/v1/auth/login",
        data=json.dumps({"email": email, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return "Bearer " + json.load(response)["token"]


@contextmanager
def database(kind: str, workdir: str, name: str):
    if kind == "sqlite":
        yield f"sqlite:///{workdir}/{name}.db"
        return
    with testing.throwaway_postgres(f"{name}_http") as url:
        yield url


@contextmanager
def gunicorn(
    app: str,
    env: dict,
    workers: int,
    chdir: Path | None = None,
    binary: Path = testing.BIN / "gunicorn",
    probe: str = "/",
):
    port = testing._free_port()
    command = [binary, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", app]
    if chdir:
        command[1:1] = ["--chdir", str(chdir)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + probe, timeout=1)
                break
            except urllib.error.HTTPError:
                break  # answering (a 404 is an answer)
            except OSError:
                time.sleep(0.1)  # a real process starting up
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _lua_string(text: str) -> str:
    return f"[==[{text}]==]"


def lua_script(token: str | None = None, method: str = "GET", body: dict | None = None):
    """A wrk script for one request, sent again and again. The Authorization
    header is set here rather than with -H, since requests built by wrk.format
    carry only the headers in wrk.headers. When the body holds CLIENT_ID, each
    request gets a client_id of its own (this run's random prefix, the wrk
    thread and a counter), so the server inserts every time instead of
    returning the first entry."""
    lines = [f"wrk.method = {_lua_string(method)}"]
    if token:
        lines.append(f'wrk.headers["Authorization"] = {_lua_string(token)}')
    if body is None:
        return "\n".join(lines) + "\n"
    lines.append('wrk.headers["Content-Type"] = "application/json"')
    text = json.dumps(body)
    if CLIENT_ID not in text:
        return "\n".join([*lines, f"wrk.body = {_lua_string(text)}"]) + "\n"
    head, tail = text.split(CLIENT_ID)
    prefix = str(uuid.uuid4())[:19]  # "xxxxxxxx-xxxx-4xxx-xxxx-", random per run
    return "\n".join(
        [
            *lines,
            THREAD_NUMBERS,
            f"local head, tail = {_lua_string(head)}, {_lua_string(tail)}",
            "local sent = 0",
            "function request()",
            "  sent = sent + 1",
            f'  local client_id = string.format("{prefix}%04x-%012x", number, sent)',
            "  return wrk.format(nil, nil, nil, head .. client_id .. tail)",
            "end",
        ]
    )


# Numbers each wrk thread (the global `number` in its own Lua state).
THREAD_NUMBERS = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("number", threads)
end
"""


def completion_script(token: str, sessions: list[dict]) -> str:
    """A wrk script that completes each due session once, with the feedback the
    session player sends for each of its exercises. Should the sessions run out,
    it completes the last again (a 200 that changes nothing) and reports how
    many such repeats it sent."""
    bodies: dict[str, int] = {}
    numbers = []
    for session in sessions:
        feedback = [
            {
                "exercise": exercise["slug"],
                "sets_done": exercise.get("dosage", {}).get("sets", 1),
                "pain": 2,
                "effort": "right",
            }
            for exercise in session["exercises"]
        ]
        body = json.dumps({"difficulty": 4, "pain_during": 2, "exercises": feedback})
        numbers.append(bodies.setdefault(body, len(bodies) + 1))
    return f"""
wrk.method = "POST"
wrk.headers["Authorization"] = {_lua_string(token)}
wrk.headers["Content-Type"] = "application/json"
local ids = {{{",".join(str(s["id"]) for s in sessions)}}}
local body_of = {{{",".join(map(str, numbers))}}}
local bodies = {{{",".join(map(_lua_string, bodies))}}}
local next_one = 0
repeats = 0
local threads = {{}}
function setup(thread)
  table.insert(threads, thread)
end
function request()
  next_one = next_one + 1
  if next_one > #ids then
    next_one = #ids
    repeats = repeats + 1
  end
  local path = "/api/v1/sessions/" .. ids[next_one] .. "/complete"
  return wrk.format(nil, path, nil, bodies[body_of[next_one]])
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("repeats")
  end
  io.write(string.format("repeats: %d\\n", total))
end
"""


def wrk(url: str, seconds: int, connections: int, script: str) -> dict:
    """One wrk run (1 thread) with the given Lua script; non-2xx answers counted."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as file:
        file.write(script)
        file.flush()
        output = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                file.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    repeats = re.search(r"repeats: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
        "repeats": int(repeats.group(1)) if repeats else 0,
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def measure(url: str, args, script) -> dict:
    """A 2 s warm-up, then the measured run. `script` makes the Lua script for
    each run, so a write gets fresh data for both."""
    wrk(url, 2, args.connections, script())
    return wrk(url, args.duration, args.connections, script())


class CompletionPool:
    """Due sessions of the demo patient that have not been completed yet, from
    plans the demo therapist assigns for the purpose (the demo's own plan has
    only a few missed sessions, and a repeated completion is a 200 that writes
    nothing)."""

    def __init__(self, url: str, therapist: str, patient_id: int, program: str):
        self.url, self.therapist = url, therapist
        self.patient_id = patient_id
        # A patient has one plan per program at a time (issue 23): each pool plan
        # is another of the library's programs than the demo's own.
        self.programs = [
            p["slug"]
            for p in api(url, "/api/v1/programs", therapist)
            if p["slug"] != program
        ]
        self.plans: set[int] = set()

    def due(self) -> list[dict]:
        today = datetime.date.today()
        start = today - datetime.timedelta(days=POOL_DAYS - 1)
        sessions = api(
            self.url,
            f"/api/v1/patients/{self.patient_id}/sessions?from={start}&to={today}",
            self.therapist,
        )
        return [
            s
            for s in sessions
            if s["assignment_id"] in self.plans and s["status"] != "done"
        ]

    def at_least(self, count: int) -> list[dict]:
        """Assigns more plans until `count` sessions are due."""
        sessions = self.due()
        while len(sessions) < count:
            start = datetime.date.today() - datetime.timedelta(days=POOL_DAYS - 1)
            plan = api(
                self.url,
                f"/api/v1/patients/{self.patient_id}/assignments",
                self.therapist,
                {
                    **POOL_PLAN,
                    "program": self.programs[len(self.plans)],
                    "start_date": str(start),
                },
            )
            self.plans.add(plan["id"])
            sessions = self.due()
        return sessions


def app_rows(url: str, args) -> list[tuple[str, dict]]:
    """The app's endpoints, as the demo patient and therapist."""
    patient = login(url, "patient@demo.kinetic", "demo-patient")
    therapist = login(url, "therapist@demo.kinetic", "demo-therapist")
    (patient_id,) = [p["id"] for p in api(url, "/api/v1/patients", therapist)]
    (plan,) = api(url, f"/api/v1/patients/{patient_id}/assignments", therapist)
    # Reads first, on the demo's own data (about 90 days of entries): after the
    # writes, the trend read would cover the thousands of entries the pain row
    # made in one day, and each read figure would hang on the write figure
    # before it.
    cases = [
        ("GET /me/today", "/api/v1/me/today", lambda: lua_script(patient)),
        (
            "GET /me/trends?days=90",
            "/api/v1/me/trends?days=90",
            lambda: lua_script(patient),
        ),
        ("GET /patients", "/api/v1/patients", lambda: lua_script(therapist)),
        (
            "GET /assignments/{id}/prescription",
            f"/api/v1/assignments/{plan['id']}/prescription",
            lambda: lua_script(therapist),
        ),
        ("POST /me/pain", "/api/v1/me/pain", lambda: lua_script(patient, "POST", PAIN)),
    ]
    rows = [(name, measure(url + path, args, script)) for name, path, script in cases]

    # The pool is sized by the warm-up's pace: three times what the measured run
    # would take at that pace, as the warm-up may start slower than the run.
    pool = CompletionPool(url, therapist, patient_id, plan["program"])
    warm = wrk(
        url, 2, args.connections, completion_script(patient, pool.at_least(2000))
    )
    needed = 3 * warm["requests"] * args.duration // 2 + args.connections
    sessions = pool.at_least(needed)
    rows.append(
        (
            "POST /sessions/{id}/complete (with feedback)",
            wrk(
                url,
                args.duration,
                args.connections,
                completion_script(patient, sessions),
            ),
        )
    )
    for name, path, body in (
        (
            "POST /me/questionnaire-responses",
            "/api/v1/me/questionnaire-responses",
            PEG_3,
        ),
        ("POST /me/messages", "/api/v1/me/messages", MESSAGE),
    ):
        rows.append(
            (
                name,
                measure(
                    url + path, args, lambda b=body: lua_script(patient, "POST", b)
                ),
            )
        )
    return rows


def peer_rows(args, workdir: Path) -> tuple[list[tuple[str, dict]], str | None]:
    """wger's authenticated list of log entries and a log-entry write, or why
    there are none."""
    try:
        version = peer_wger.ensure_peer()
        with database(args.db, workdir, "wger") as url:
            env = peer_wger.environment(url, workdir)
            fixture = peer_wger.prepare(env)
            token = f"Token {fixture['token']}"
            entry = {
                "exercise_base": fixture["exercise_base"],
                "workout": fixture["workout"],
                "reps": 10,
                "weight": "20.00",
                "date": str(datetime.date.today()),
            }
            with gunicorn(
                "wger.wsgi:application",
                env,
                args.workers,
                binary=peer_wger.BIN / "gunicorn",
                probe="/api/v2/",
            ) as peer:
                path = "/api/v2/workoutlog/"
                write = measure(
                    peer + path, args, lambda: lua_script(token, "POST", entry)
                )
                read = measure(peer + path, args, lambda: lua_script(token))
    except peer_wger.PeerUnavailable as error:
        return [], f"No peer: {error}"
    return [
        (f"peer: wger {version} POST {path}", write),
        (f"peer: wger {version} GET {path} (list, 20 a page)", read),
    ], None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--no-peer", action="store_true", help="leave out wger (bench/peer_wger.py)"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk (Debian)")

    workdir = Path(tempfile.mkdtemp(prefix="kinetic-http-"))
    with database(args.db, workdir, "kinetic") as url:
        env = {**testing.live_env(workdir, url), "LOG_FORMAT": "json"}
        for command in (["db", "upgrade"], ["programs", "load"], ["demo"]):
            subprocess.run(
                [testing.BIN / "kinetic", *command],
                env=env,
                check=True,
                capture_output=True,
            )
        with gunicorn("hello_app:app", env, args.workers, chdir=HERE) as hello:
            rows = [("hello (bare Flask)", measure(f"{hello}/hello", args, lua_script))]
        with gunicorn("kinetic:create_app()", env, args.workers) as base:
            rows += app_rows(base, args)
    notes = []
    if not args.no_peer:
        found, problem = peer_rows(args, workdir)
        rows += found
        notes += [problem] if problem else []
    shutil.rmtree(workdir, ignore_errors=True)

    ceiling = rows[0][1]["rps"]
    print(
        f"# HTTP on {args.db}: gunicorn {args.workers} sync workers, wrk 1 thread, "
        f"{args.connections} connections, {args.duration} s each"
    )
    print("| endpoint | req/s | p50 ms | p99 ms | ratio to hello | goal | non-2xx |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in rows:
        goal = "" if name.startswith(("hello", "peer")) else GOALS.get(name, 0.5)
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
        if r["repeats"]:
            notes.append(
                f"{name}: {r['repeats']} requests repeated a completed session "
                "(the pool of due sessions ran out)"
            )
    for note in notes:
        print(f"\n{note}")


if __name__ == "__main__":
    main()
