#!/usr/bin/env python3
"""Time `knotless history --chart` against plain `knotless history` on a
generated history of 5,000 sessions (about 14 a day over a year, on eight
routines, tension asked on most): the difference is the charts' work
(the series computed in one pass, the charts drawn and printed). The
budget (PRODUCT.md, issue 24) is 50 ms for the charts from 5,000 sessions.

Usage: bench/history_chart.py [--binary target/debug/knotless] [--runs 30] [--sessions 5000]
Each form runs `--runs` times; the fastest run of each is reported, since
other work on the machine only ever adds time.
"""

import argparse
import datetime
import json
import os
import subprocess
import tempfile
import time

ROUTINES = ["daily-back", "desk-break", "jaw-face", "lower-back", "calm-down",
            "hands-forearms", "seated-gentle", "gone"]


def write_history(path, sessions):
    today = datetime.datetime.now(datetime.timezone.utc).replace(hour=7, minute=0, second=0, microsecond=0)
    with open(path, "w") as f:
        for i in range(sessions):
            started = today - datetime.timedelta(days=364 - i * 365 // sessions, minutes=-(i % 600))
            minutes = 6 + i * 7 % 11
            line = {"v": 1, "started": started.isoformat(timespec="seconds"),
                    "routine_id": ROUTINES[i % len(ROUTINES)], "routine_name": "R",
                    "planned_seconds": minutes * 60, "practised_seconds": minutes * 60,
                    "outcome": "finished", "steps": 8, "steps_done": 8}
            if i % 4 != 3:
                line["tension_before"] = 3 + i % 5
                line["tension_after"] = 2 + i % 3
            f.write(json.dumps(line) + "\n")


def fastest(argv, env, runs):
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t)
    return best * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/debug/knotless")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--sessions", type=int, default=5000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as home:
        data = os.path.join(home, "data")
        os.makedirs(data)
        write_history(os.path.join(data, "history.jsonl"), args.sessions)
        env = dict(os.environ, HOME=home, KNOTLESS_DATA_DIR=data,
                   KNOTLESS_CONFIG_DIR=os.path.join(home, "config"),
                   KNOTLESS_STATE_DIR=os.path.join(home, "state"), NO_COLOR="1")
        plain = fastest([args.binary, "history"], env, args.runs)
        chart = fastest([args.binary, "history", "--chart"], env, args.runs)
        as_json = fastest([args.binary, "history", "--json"], env, args.runs)
        print(f"{args.sessions} sessions, fastest of {args.runs} runs ({args.binary}):")
        print(f"  history          {plain:7.1f} ms")
        print(f"  history --chart  {chart:7.1f} ms  (charts: {chart - plain:+.1f} ms)")
        print(f"  history --json   {as_json:7.1f} ms")


if __name__ == "__main__":
    main()
