"""schemathesis as an outsider runs it: its command line, with every check, as a
client over HTTP against gunicorn on loopback (prepared as `make run` prepares
it), signed in as the demo patient and as the demo therapist. Signing out (here
or everywhere) and erasing the account are left out: they would end the run's own
session. The rules the OpenAPI document cannot state are listed in
tests/schemathesis.toml.

It runs once per suite, in the PostgreSQL pass: that is the database production
runs on, and both roles together take a minute or two, which the SQLite pass (with
the browser tests) need not take again."""

import json
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kinetic import testing

CONFIG = Path(__file__).with_name("schemathesis.toml")
SEED = 20261122
EXAMPLES = 25  # per operation in fuzzing; the coverage phase adds its own cases
THERAPIST_PATHS = r"^/api/v1/(patients|assignments|invites|alerts)"
ROLES = {
    # Everything a patient uses, and the routes open to anyone.
    "patient": (
        ("patient@demo.kinetic", "demo-patient"),
        ["--exclude-path-regex", THERAPIST_PATHS],
    ),
    # The therapist's own routes, the library a therapist writes to (own
    # exercises and programs, as JSON and as YAML files), and the profile routes
    # every role has.
    "therapist": (
        ("therapist@demo.kinetic", "demo-therapist"),
        [
            "--include-path-regex",
            THERAPIST_PATHS + r"|^/api/v1/(exercises|programs)|^/api/v1/me(/export)?$",
            "--exclude-name",
            "PATCH /api/v1/me",  # the same for every role: in the patient's run
        ],
    ),
}
NEVER = [
    "--exclude-name",
    "POST /api/v1/auth/logout",
    "--exclude-name",
    "POST /api/v1/auth/logout-all",
    "--exclude-name",
    "DELETE /api/v1/me",
]


@pytest.fixture(scope="module")
def server(db_kind, tmp_path_factory):
    if db_kind != "postgres":
        pytest.skip(
            "schemathesis over HTTP runs once per suite, in the PostgreSQL pass"
        )
    with (
        testing.throwaway_postgres("kinetic_http") as database,
        testing.live_server(
            tmp_path_factory.mktemp("http"), database_url=database
        ) as url,
    ):
        yield url


def sign_in(url: str, email: str, password: str) -> str:
    request = urllib.request.Request(
        f"{url}/api/v1/auth/login",
        data=json.dumps({"email": email, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["token"]


def run_schemathesis(url: str, token: str, filters: list[str], cwd: Path):
    return subprocess.run(
        [
            testing.BIN / "schemathesis",
            "--config-file",
            CONFIG,
            "--no-color",
            "run",
            f"{url}/api/v1/openapi.json",
            "--checks",
            "all",
            "--header",
            f"Authorization: Bearer {token}",
            "--seed",
            str(SEED),
            "--max-examples",
            str(EXAMPLES),
            "--generation-database",
            "none",
            "--workers",
            "1",
            *NEVER,
            *filters,
        ],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


def failures(output: str) -> str:
    """The report's failures and summary, without the progress lines before."""
    start = output.find("FAILURES")
    return output[start:] if start >= 0 else output[-4000:]


@pytest.mark.parametrize("role", ["patient", "therapist"])
def test_schemathesis_over_http_finds_nothing(server, role, tmp_path):
    (email, password), filters = ROLES[role]
    token = sign_in(server, email, password)

    result = run_schemathesis(server, token, filters, tmp_path)

    assert result.returncode == 0, failures(result.stdout) + result.stderr
    # Every generated case passed every check (warnings aside).
    assert re.search(r"(\d+) generated, \1 passed", result.stdout), result.stdout
    tested = re.search(r"Tested: (\d+)", result.stdout)
    assert tested and int(tested.group(1)) >= (20 if role == "patient" else 12), (
        result.stdout
    )


def test_a_long_url_gets_the_apps_json_414(server):
    # Past MAX_URL_LENGTH (8000) and within gunicorn's own cut (8190 bytes).
    query = "&".join(f"patient_id={n}" for n in range(700))[:8100]
    request = urllib.request.Request(f"{server}/api/v1/alerts?{query}")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 414
    assert refused.value.headers["Content-Type"] == "application/json"
    assert json.load(refused.value)["code"] == 414


def raw_exchange(server: str, head: bytes, body: bytes = b"") -> tuple[bytes, float]:
    """Sends `head` (and `body`) over a socket; the answer's first bytes and the
    seconds it took. Only a timeout bounds the wait: this is a real server."""
    host, port = server.removeprefix("http://").split(":")
    started = time.perf_counter()
    answer = b""
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        try:
            sock.sendall(head + body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # answered and closed before all was sent: read what came
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass  # the answer came before the reset
    return answer, time.perf_counter() - started


def test_a_10_mb_query_is_refused_at_once_and_the_server_goes_on(server):
    head = b"GET /healthz?x=" + b"a" * 10_000_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    answer, seconds = raw_exchange(server, head)
    assert answer.startswith(b"HTTP/1.1 414"), answer[:200]
    assert seconds < 2
    with urllib.request.urlopen(f"{server}/healthz", timeout=30) as response:
        assert response.status == 200


def test_a_10_mb_sign_in_is_413_before_its_body_is_read(server):
    # Only the head is sent: the answer comes from the declared length alone.
    head = (
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\nContent-Length: 10485760\r\n\r\n"
    )
    answer, seconds = raw_exchange(server, head)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"code":413' in answer and b"errors" not in answer
    assert seconds < 2


def test_an_alias_bomb_is_refused_at_once_and_the_worker_serves_on(server):
    # The probe's 458-byte file (7 levels of 9 aliases) once held a worker past
    # gunicorn's timeout; now it is refused before any walk of its tree.
    rows = ["a0: &a0 [" + ", ".join(['"lol"'] * 9) + "]"]
    rows += [
        f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]"
        for n in (1, 2, 3, 4, 5, 6)
    ]
    token = sign_in(server, "therapist@demo.kinetic", "demo-therapist")
    request = urllib.request.Request(
        f"{server}/api/v1/programs/import",
        data="\n".join(rows).encode(),
        headers={
            "Content-Type": "application/yaml",
            "Authorization": f"Bearer {token}",
        },
    )

    started = time.monotonic()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    took = time.monotonic() - started

    assert refused.value.code == 422
    assert json.load(refused.value)["problems"][0]["line"] == 5
    assert took < 1, took
    with urllib.request.urlopen(f"{server}/healthz", timeout=5) as health:
        assert health.status == 200
