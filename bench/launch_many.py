#!/usr/bin/env python3
"""Measure knotless's start and input against hostile and large cases:

- launch to the picker's first frame with 1,000 and 100 user routines, and
  to the preflight of `run daily-back` (a terminal that answers its
  background question, as xterm does)
- launch to the first frame on a terminal that answers nothing
- a 3,000-character paste, then Ctrl-C: time from the Ctrl-C to the exit
- a 64 KB and a 1 MB background answer: what the user sees

Usage: bench/launch_many.py [--binary target/dist/knotless] [--runs 15]
Build first: cargo build --profile dist (what is shipped)
"""

import argparse
import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time

ROWS, COLS = 24, 80
ASKED = b"\x1b]11;?"


class Session:
    def __init__(self, argv, env, answer=True):
        pid, fd = pty.fork()
        if pid == 0:
            os.environ.update(env)
            os.environ["TERM"] = "xterm-256color"
            os.execv(argv[0], argv)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
        self.pid, self.fd, self.answer = pid, fd, answer
        self.output = bytearray()
        self.answered = False
        self.exited = None
        self.started = time.monotonic()

    def pump(self, timeout):
        end = time.monotonic() + timeout
        while True:
            left = max(end - time.monotonic(), 0)
            if self.exited is not None:
                return
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                return
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                self.exited = time.monotonic()
                return
            self.output += data
            if self.answer and not self.answered and ASKED in self.output:
                os.write(self.fd, b"\x1b]11;rgb:0000/0000/0000\x1b\\\x1b[?62;22c")
                self.answered = True

    def wait_for(self, text, timeout=30):
        end = time.monotonic() + timeout
        needle = text.encode()
        while time.monotonic() < end:
            if needle in self.output:
                return time.monotonic()
            if self.exited is not None:
                return None
            self.pump(0.001)
        return None

    def wait_exit(self, timeout):
        end = time.monotonic() + timeout
        while self.exited is None and time.monotonic() < end:
            self.pump(0.01)
        return self.exited

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        view = memoryview(data)
        while view:
            _, w, _ = select.select([], [self.fd], [], 0.05)
            if w:
                try:
                    n = os.write(self.fd, view[:4096])
                    view = view[n:]
                except BlockingIOError:
                    pass
            self.pump(0)
            if self.exited is not None or os.waitpid(self.pid, os.WNOHANG) != (0, 0):
                self.exited = self.exited or time.monotonic()
                return

    def close(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


def launch(binary, argv, text, env, runs, answer=True):
    times = []
    for _ in range(runs):
        s = Session([binary] + argv, env, answer)
        seen = s.wait_for(text)
        if seen is not None:
            times.append((seen - s.started) * 1000)
        s.close()
    return statistics.median(times) if times else float("nan")


def many(home, n):
    config = os.path.join(home, f"many-{n}")
    os.makedirs(os.path.join(config, "routines"))
    with open(os.path.join(os.path.dirname(__file__), "..", "routines", "daily-back.toml")) as f:
        text = f.read()
    for i in range(n):
        with open(os.path.join(config, "routines", f"mine-{i:04}.toml"), "w") as f:
            f.write(text)
    return config


def paste_then_ctrl_c(binary, env, where, paste=True):
    s = Session([binary] + (["run", "daily-back"] if where == "preflight" else []), env)
    s.wait_for("Stop at sharp" if where == "preflight" else "Routines")
    if where == "picker filter":
        s.send("/")
        s.pump(0.2)
    if paste:
        s.send("x" * 3000)
        s.pump(0)
    sent = time.monotonic()
    s.send("\x03")
    exited = s.wait_exit(10)
    s.close()
    return "did not exit in 10 s" if exited is None else f"{(exited - sent) * 1000:.0f} ms"


THREE_STEPS = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "session", "three-steps.toml")


def long_answer(binary, env, size):
    s = Session([binary, "run", THREE_STEPS], env, answer=False)
    while ASKED not in s.output:
        s.pump(0.01)
    s.send(b"\x1b]11;rgb:" + b"q" * size + b"\x1b\\\x1b[?62;22c")
    s.pump(2)
    if s.exited is not None:
        seen = "quit at once (the answer was read as keys)"
    else:
        s.send("\r")
        at = time.monotonic()
        started = s.wait_for("Shoulder rolls", timeout=25)
        if started is None:
            seen = "the preflight stays: Enter did nothing within 25 s"
        else:
            seen = f"the preflight, unchanged; Enter starts the session ({(started - at) * 1000:.0f} ms)"
    s.close()
    return seen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/dist/knotless")
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    home = tempfile.mkdtemp()
    try:
        env = {"KNOTLESS_CONFIG_DIR": os.path.join(home, "config"), "KNOTLESS_DATA_DIR": os.path.join(home, "data")}
        # A daily user's home: one session already there, so the preflight
        # comes up alone (a first session opens on the safety page).
        os.makedirs(env["KNOTLESS_DATA_DIR"])
        with open(os.path.join(env["KNOTLESS_DATA_DIR"], "history-bench.jsonl"), "w") as f:
            f.write('{"v":1,"started":"2026-01-01T08:00:00+00:00","routine_id":"daily-back",'
                    '"routine_name":"Daily back reset","planned_seconds":729,"practised_seconds":729,'
                    '"outcome":"finished","steps":10,"steps_done":10}\n')
        plain = launch(binary, ["run", "daily-back"], "Stop at sharp", env, args.runs)
        print(f"launch to first frame, run daily-back: {plain:.1f} ms median (budget 5)")
        silent = launch(binary, ["run", "daily-back"], "Stop at sharp", env, args.runs, answer=False)
        print(f"launch to first frame, a terminal that answers nothing: {silent:.1f} ms median")
        for n, budget in [(100, 15), (1000, 15)]:
            env_n = dict(env, KNOTLESS_CONFIG_DIR=many(home, n))
            t = launch(binary, [], "Routines", env_n, args.runs)
            print(f"launch to first frame, picker with {n} user routines: {t:.1f} ms median (budget {budget})")
        for where in ["preflight", "picker filter"]:
            alone = paste_then_ctrl_c(binary, env, where, paste=False)
            print(f"Ctrl-C alone ({where}): exit {alone} after it")
            print(f"3,000-character paste then Ctrl-C ({where}): exit {paste_then_ctrl_c(binary, env, where)} after the Ctrl-C")
        for size, name in [(64 * 1024, "64 KB"), (1024 * 1024, "1 MB")]:
            print(f"a {name} background answer: {long_answer(binary, env, size)}")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
