#!/usr/bin/env python3
"""The 12 compose wishes of issue 23: for each, the position changes and the
get-ready time of the composed routine (or why it was refused).

    python3 bench/compose_wishes.py [path/to/knotless]
"""
import re
import subprocess
import sys
import tomllib

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/debug/knotless"

WISHES = [
    "--minutes 15 --focus hips,lower-back --tools ball --position wall",
    "--minutes 45 --focus neck,shoulders,upper-back,lower-back,hips,legs --tools ball,roller",
    "--minutes 10 --focus lower-back --position floor",
    "--minutes 10 --focus legs --position floor --tools roller",
    "--minutes 10 --focus feet,legs --position floor --tools roller",
    "--minutes 10 --focus shoulders,upper-back --position standing --tools ball",
    "--minutes 10 --focus jaw,face",
    "--minutes 10 --focus whole-body --position chair",
    "--minutes 10 --focus face,jaw,hands --position bed",
    "--minutes 10 --focus back",
    "--minutes 10 --focus neck --tools banana",
    "--minutes 20 --focus neck,shoulders,upper-back --tools ball",
]


def secs(text):
    total = 0.0
    for n, unit in re.findall(r"([\d.]+)\s*(h|ms|m|s)", text):
        total += float(n) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001}[unit]
    return total


def measure(wish):
    run = subprocess.run(
        [BIN, "compose", "--seed", "7", *wish.split()],
        capture_output=True,
        text=True,
        env={"KNOTLESS_CONFIG_DIR": "/nonexistent-knotless", "PATH": "/usr/bin:/bin"},
    )
    if run.returncode != 0:
        first = (run.stderr.strip().splitlines() or ["?"])[-1]
        return f"refused: {first[:110]}"
    r = tomllib.loads(run.stdout)
    default = secs(r.get("defaults", {}).get("transition", "5s"))
    steps = r["steps"]
    ready = sum(secs(s["get_ready"]) if "get_ready" in s else default for s in steps)
    positions = [s.get("position") for s in steps]
    changes = sum(1 for a, b in zip(positions, positions[1:]) if a != b)
    order = []
    for p in positions:
        if not order or order[-1] != p:
            order.append(p)
    return (
        f"{len(steps)} steps, {changes} position changes ({' > '.join(map(str, order))}), "
        f"get-ready {int(ready) // 60}:{int(ready) % 60:02d}"
    )


for wish in WISHES:
    print(f"{wish}\n    {measure(wish)}")
