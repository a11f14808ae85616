"""Runs every benchmark on SQLite and on PostgreSQL and prints the tables."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent

subprocess.run([sys.executable, str(HERE / "frontend.py"), "--lighthouse"], check=True)
print()
for kind in ("sqlite", "postgres"):
    subprocess.run([sys.executable, str(HERE / "trends.py"), "--db", kind], check=True)
    print()
    subprocess.run(
        [sys.executable, str(HERE / "reminders.py"), "--db", kind], check=True
    )
    print()
