"""`make bench`: every benchmark, on SQLite and on PostgreSQL, in one run; prints
the tables as they come and writes them, with the machine they ran on, to
bench/RESULTS.md. Figures are ratios where they can be, since the machines are
shared and noisy. Never part of `make test`.

    python bench/run.py [--quick]   # --quick: smaller sizes, for trying it out
"""

import argparse
import datetime
import os
import platform
import sqlite3
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def machine() -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    postgres = subprocess.run(
        ["psql", "--version"], capture_output=True, text=True
    ).stdout.strip()
    return [
        f"- {os.cpu_count()} cores ({cpu}){memory}; {platform.platform()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{postgres or 'PostgreSQL client not found'}",
        f"- run on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
    ]


def steps(quick: bool) -> list[tuple[str, list[str]]]:
    sizes = "10000,100000" if quick else "10000,1000000,5000000"
    patients = "10000" if quick else "100000"
    duration = "3" if quick else "10"
    found = [("Frontend: bytes and Lighthouse", ["frontend.py", "--lighthouse"])]
    for db in ("sqlite", "postgres"):
        found += [
            (
                f"API against a bare Flask hello ({db})",
                ["api_load.py", "--db", db, "--duration", duration],
            ),
            (
                f"Trend scaling and the therapist dashboard ({db})",
                ["trends.py", "--db", db, "--sizes", sizes],
            ),
            (
                f"Reminder fan-out ({db})",
                ["reminders.py", "--db", db, "--patients", patients],
            ),
        ]
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sections = []
    for title, command in steps(args.quick):
        print(f"## {title}", flush=True)
        result = subprocess.run(
            [sys.executable, str(HERE / command[0]), *command[1:]],
            capture_output=True,
            text=True,
        )
        output = result.stdout.strip()
        if result.returncode:
            output += f"\n\nFAILED (exit {result.returncode}):\n{result.stderr[-2000:]}"
        print(output + "\n", flush=True)
        sections.append(
            f"## {title}\n\n`python bench/{' '.join(command)}`\n\n{output}\n"
        )
    results = HERE / "RESULTS.md"
    results.write_text(
        "# Benchmark results\n\nWritten by `make bench` (bench/run.py); "
        "what each benchmark does and how to read it: [README.md](README.md).\n\n"
        + "\n".join(machine())
        + "\n\n"
        + "\n".join(sections)
    )
    print(f"Written: {results}")


if __name__ == "__main__":
    main()
