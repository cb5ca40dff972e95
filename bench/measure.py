#!/usr/bin/env python3
"""Measure knotless against the budgets of PRODUCT.md section 9.

Runs the release binary in an 80x24 pseudo-terminal, as a user would, and
reads the kernel's accounting of its threads:

- CPU seconds per minute of wall time (sum of /proc/PID/task/*/schedstat)
- wake-ups per second (voluntary context switches of all threads)
- bytes written to the terminal per second
while a massage step counts down, and while the breathing pacer animates;
- launch to first frame (with the built-ins only, and with 100 user routines)
- peak memory (VmHWM)
- how far the end of a 60 s step lands from its plan.

Beside each steady figure, the floor's: bench/floor.c replays what knotless
wrote in that window, at the moments it wrote it, and does nothing else
(compiled with `cc` on first use). bench/README.md keeps the budgets and
the latest figures.

Usage: bench/measure.py [--binary target/dist/knotless] [--seconds 60] [--size 80x24] [--steady-only]
Build first: cargo build --profile dist (what is shipped)
"""

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

ROWS, COLS = 24, 80


class Session:
    def __init__(self, argv, env=None):
        pid, fd = pty.fork()
        if pid == 0:
            os.environ.update(env or {})
            os.environ["TERM"] = "xterm-256color"
            os.execv(argv[0], argv)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.pid, self.fd = pid, fd
        self.output = bytearray()
        # (monotonic seconds, bytes) of each read, while recording.
        self.chunks = None
        self.answered = 0
        self.started = time.monotonic()

    def pump(self, timeout):
        """Read what arrives within `timeout` seconds; return bytes read."""
        end = time.monotonic() + timeout
        got = 0
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return got
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                return got
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return got
            if not data:
                return got
            self.output += data
            if self.chunks is not None:
                self.chunks.append((time.monotonic(), data))
            got += len(data)
            self.answer_queries()

    def answer_queries(self):
        """Answer what a terminal is asked, as xterm on a dark background
        does: the background colour (OSC 11) and the device attributes."""
        asked = self.output.count(b"\x1b[c")
        while self.answered < asked:
            os.write(self.fd, b"\x1b]11;rgb:0000/0000/0000\x1b\\\x1b[?62;22c")
            self.answered += 1

    def wait_for(self, text, timeout=30):
        """Seconds (monotonic) when `text` first appeared in the output."""
        end = time.monotonic() + timeout
        needle = text.encode()
        while time.monotonic() < end:
            if needle in self.output:
                return time.monotonic()
            self.pump(0.002)
        raise SystemExit(f"never saw {text!r}")

    def send(self, keys):
        os.write(self.fd, keys.encode())

    def cpu_and_wakeups(self):
        cpu_ns, switches = 0, 0
        for tid in os.listdir(f"/proc/{self.pid}/task"):
            try:
                with open(f"/proc/{self.pid}/task/{tid}/schedstat") as f:
                    cpu_ns += int(f.read().split()[0])
                with open(f"/proc/{self.pid}/task/{tid}/status") as f:
                    for line in f:
                        if line.startswith("voluntary_ctxt_switches"):
                            switches += int(line.split()[1])
            except FileNotFoundError:
                pass
        return cpu_ns / 1e9, switches

    def peak_kib(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM"):
                    return int(line.split()[1])
        return 0

    def close(self):
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        self.pump(0.3)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def steady(binary, routine, skip, seconds, env):
    """CPU, wake-ups and bytes per second over `seconds`, `skip` s in."""
    s = Session([binary, "run", routine], env)
    s.wait_for("Stop at sharp")
    s.send("\r")
    s.pump(skip)
    cpu0, sw0 = s.cpu_and_wakeups()
    bytes0 = len(s.output)
    t0 = time.monotonic()
    s.chunks = []
    s.pump(seconds)
    wall = time.monotonic() - t0
    cpu1, sw1 = s.cpu_and_wakeups()
    peak = s.peak_kib()
    written = len(s.output) - bytes0
    chunks = [(at - t0, data) for at, data in s.chunks]
    s.close()
    return {
        "cpu_s_per_min": (cpu1 - cpu0) / wall * 60,
        "wakeups_per_s": (sw1 - sw0) / wall,
        "bytes_per_s": written / wall,
        "peak_mib": peak / 1024,
        "chunks": chunks,
        "seconds": seconds,
    }


def floor_binary():
    """bench/floor.c, compiled once into the temp directory."""
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(tempfile.gettempdir(), "knotless-bench-floor")
    source = os.path.join(here, "floor.c")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(source):
        subprocess.run(["cc", "-O2", "-o", out, source], check=True)
    return out


def floor(window):
    """The same figures for the floor: what knotless wrote in `window`,
    replayed at the moments it wrote it, by a program that does nothing
    else."""
    with tempfile.NamedTemporaryFile(delete=False) as f:
        for at, data in window["chunks"]:
            f.write(struct.pack("=QI", max(0, int(at * 1e9)), len(data)) + data)
        recording = f.name
    s = Session([floor_binary(), recording])
    # Replay starts a second after launch.
    s.pump(0.5)
    cpu0, sw0 = s.cpu_and_wakeups()
    bytes0 = len(s.output)
    t0 = time.monotonic()
    s.pump(window["seconds"] + 0.5)
    wall = time.monotonic() - t0
    cpu1, sw1 = s.cpu_and_wakeups()
    written = len(s.output) - bytes0
    s.close()
    os.unlink(recording)
    return {
        "cpu_s_per_min": (cpu1 - cpu0) / wall * 60,
        "wakeups_per_s": (sw1 - sw0) / wall,
        "bytes_per_s": written / wall,
    }


def report(window, budgets):
    """Each figure of `window` beside the floor's, and its budget."""
    low = floor(window)
    rows = [
        ("CPU", "cpu_s_per_min", "CPU-s per minute", 4),
        ("wake-ups", "wakeups_per_s", "per second", 2),
        ("terminal output", "bytes_per_s", "bytes per second", 1),
    ]
    for name, key, unit, digits in rows:
        ratio = window[key] / low[key] if low[key] else float("inf")
        budget = f"   (budget {budgets[key]})" if key in budgets else ""
        print(
            f"  {name:<15} {window[key]:.{digits}f} {unit}, floor {low[key]:.{digits}f}"
            f" ({ratio:.2f}x){budget}"
        )


def launch(binary, argv, text, env, runs=15):
    times = []
    for _ in range(runs):
        s = Session([binary] + argv, env)
        seen = s.wait_for(text)
        times.append((seen - s.started) * 1000)
        s.close()
    return statistics.median(times)


def step_end(binary, env, length=60):
    """Start a one-step routine (no get-ready) and time its end on screen."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "one-minute.toml")
        with open(path, "w") as f:
            f.write(
                'name = "One minute"\n[defaults]\ntransition = "0s"\n'
                f'[[steps]]\nkind = "rest"\ntitle = "Rest"\nduration = {length}\n'
            )
        s = Session([binary, "run", path], env)
        s.wait_for("Stop at sharp")
        s.send("\r")
        start = s.wait_for("Rest")
        end = s.wait_for("Well done", timeout=length + 10)
        s.close()
        return (end - start - length) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/dist/knotless")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--size", default="80x24", help="the pseudo-terminal, COLSxROWS")
    ap.add_argument(
        "--steady-only",
        action="store_true",
        help="only the countdown and the pacer (no launch, no 60 s step)",
    )
    args = ap.parse_args()
    global ROWS, COLS
    COLS, ROWS = (int(n) for n in args.size.split("x"))
    binary = os.path.abspath(args.binary)
    home = tempfile.mkdtemp()
    env = {"KNOTLESS_CONFIG_DIR": os.path.join(home, "config"), "KNOTLESS_DATA_DIR": os.path.join(home, "data")}
    # A daily user's home: one session already there, so the preflight
    # comes up alone (a first session opens on the safety page).
    os.makedirs(env["KNOTLESS_DATA_DIR"])
    with open(os.path.join(env["KNOTLESS_DATA_DIR"], "history-bench.jsonl"), "w") as f:
        f.write('{"v":1,"started":"2026-01-01T08:00:00+00:00","routine_id":"daily-back",'
                '"routine_name":"Daily back reset","planned_seconds":729,"practised_seconds":729,'
                '"outcome":"finished","steps":10,"steps_done":10}\n')

    print(f"knotless budgets, {COLS}x{ROWS} pseudo-terminal, {args.seconds:.0f} s windows")
    count = steady(binary, "daily-back", 6, args.seconds, env)
    print("counting down (daily-back, step 1):")
    report(count, {"cpu_s_per_min": 0.02, "wakeups_per_s": 1.2, "bytes_per_s": 150})
    print(f"  peak memory     {count['peak_mib']:.1f} MiB               (budget 8)")
    # The pacer at its busiest: long-exhale has no holds, so it moves all
    # the time.
    pacer_routine = os.path.join(home, "pacer.toml")
    with open(pacer_routine, "w") as f:
        f.write(
            'name = "Pacer"\n[defaults]\ntransition = "0s"\n'
            '[[steps]]\nkind = "breathing"\ntitle = "Long exhale"\n'
            'breath = "long-exhale"\nduration = "5m"\n'
        )
    pacer = steady(binary, pacer_routine, 6, min(args.seconds, 40), env)
    print("breathing pacer (long-exhale, moving all the time):")
    report(pacer, {"cpu_s_per_min": 0.2})
    if args.steady_only:
        return
    first = launch(binary, ["run", "daily-back"], "Stop at sharp", env)
    print(f"launch to first frame: {first:.1f} ms median               (budget 5)")
    many = os.path.join(home, "many")
    os.makedirs(os.path.join(many, "routines"))
    with open(os.path.join(os.path.dirname(__file__), "..", "routines", "daily-back.toml")) as f:
        text = f.read()
    for i in range(100):
        with open(os.path.join(many, "routines", f"mine-{i:03}.toml"), "w") as f:
            f.write(text)
    env_many = dict(env, KNOTLESS_CONFIG_DIR=many)
    first_many = launch(binary, [], "Routines", env_many)
    print(f"launch to first frame, picker with 100 user routines: {first_many:.1f} ms median (budget 15)")
    late = step_end(binary, env, 60)
    print(f"end of a 60 s step vs plan: {late:+.1f} ms              (budget within 5)")


if __name__ == "__main__":
    sys.exit(main())
