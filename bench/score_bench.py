"""Scoring throughput: score N random snapshots and compare with just parsing them.

    python bench/score_bench.py [--count 10000]

Prints snapshots per second for (a) parsing the files with tomllib, (b) validating the
parsed data into typed snapshots, (c) scoring them, and the ratio of scoring to parsing.
The aim is that scoring costs less than parsing. Figures, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import tomllib
from pathlib import Path

from mllens_tui.assessment import Answer, NAReason, Profile
from mllens_tui.lens.registry import builtin_lens, find_lens
from mllens_tui.scoring import score
from mllens_tui.snapshot import Snapshot, dumps, parse_snapshot


def random_snapshot(rng: random.Random, index: int) -> Snapshot:
    lens = builtin_lens()
    answers = {}
    for q in lens.questions:
        roll = rng.random()
        if roll < 0.1:
            continue
        if roll < 0.15:
            answers[q.id] = Answer(q.id, not_applicable=True, reason=NAReason.OUT_OF_SCOPE)
        else:
            target = rng.choice([None, None, 3, 4])
            answers[q.id] = Answer(q.id, level=rng.randint(0, 4), target=target, notes="n" * 40)
    weights = {p.id: rng.choice([1.0, 1.5, 2.0]) for p in lens.pillars if rng.random() < 0.3}
    return Snapshot(
        lens.id,
        lens.version,
        lens.content_hash,
        f"Workload {index}",
        profile=Profile(pillar_weights=weights),
        answers=answers,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    lens = builtin_lens()
    rng = random.Random(42)
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(args.count):
            path = Path(tmp) / f"s{i}.toml"
            path.write_text(dumps(random_snapshot(rng, i), lens, with_scores=False))
            paths.append(path)

        start = time.perf_counter()
        parsed = [tomllib.loads(p.read_text()) for p in paths]
        t_parse = time.perf_counter() - start

        start = time.perf_counter()
        snapshots = [parse_snapshot(d, "bench", find_lens)[0] for d in parsed]
        t_validate = time.perf_counter() - start

        start = time.perf_counter()
        for snap in snapshots:
            score(lens, snap.answers, snap.profile)
        t_score = time.perf_counter() - start

    n = args.count
    print(f"snapshots            {n}")
    print(f"parse (tomllib)      {n / t_parse:10.0f} /s   {t_parse * 1e6 / n:8.1f} us each")
    print(f"validate             {n / t_validate:10.0f} /s   {t_validate * 1e6 / n:8.1f} us each")
    print(f"score                {n / t_score:10.0f} /s   {t_score * 1e6 / n:8.1f} us each")
    print(f"ratio score / parse  {t_score / t_parse:10.2f}   (aim: below 1)")
    print(f"ratio validate+score / parse  {(t_validate + t_score) / t_parse:.2f}")


if __name__ == "__main__":
    main()
