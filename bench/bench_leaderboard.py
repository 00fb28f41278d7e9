"""How long one live leaderboard refresh takes: the query for every student's best run and the
Pareto front, on a class's worth of submissions (each student's page redraws it every 5 s).

    .venv/bin/python bench/bench_leaderboard.py [--students 40] [--per-student 5] [--url URL]

Uses a SQLite file in a temporary folder unless --url names another database (e.g. a
PostgreSQL started by tests/postgres.py). Prints the median and 95th percentile of
`leaderboard()` and of the leaderboard figure, in milliseconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cnnlab.classroom import challenges  # noqa: E402
from cnnlab.classroom.db.engine import open_database  # noqa: E402
from cnnlab.classroom.db.models import Submission  # noqa: E402
from cnnlab.classroom.leaderboard import leaderboard  # noqa: E402
from cnnlab.plots.leaderboard import leaderboard_figure  # noqa: E402


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--per-student", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    db = open_database(url)
    cid = challenges.publish(db, "Bench")
    rng = random.Random(0)
    with db.session.begin() as s:
        for student in range(args.students):
            for _ in range(args.per_student):
                s.add(Submission(challenge_id=cid, lab_code=f"student-{student:08d}",
                                 display_name=f"Student {student}", run_id="r", design={},
                                 accuracy=rng.uniform(0.9, 0.995),
                                 params=rng.randint(5_000, 500_000), warnings=[],
                                 train_seconds=rng.uniform(10, 120)))
    entries = leaderboard(db, cid, viewer="student-00000001")
    query = timed(lambda: leaderboard(db, cid, viewer="student-00000001"), args.repeats)
    figure = timed(lambda: leaderboard_figure(entries), max(1, args.repeats // 4))
    print(f"{db.engine.dialect.name}: {args.students} students x {args.per_student} submissions")
    for name, values in (("leaderboard()", query), ("leaderboard_figure()", figure)):
        p95 = statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]
        print(f"  {name:22s} median {statistics.median(values):6.2f} ms   p95 {p95:6.2f} ms")


if __name__ == "__main__":
    main()
