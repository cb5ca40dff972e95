#!/usr/bin/env python3
"""Measure what sound costs, against PRODUCT.md section 9.

Starts a private PulseAudio daemon (a null sink `k` at 48 kHz float, on a
socket in a temporary directory: nothing shared with the machine), then
runs the release binary as a user would, in an 80x24 pseudo-terminal:

- launch to first frame: sound on (private server), --mute, no server
- CPU seconds per minute of wall time between sounds (a 90 s step with no
  cue: the bell at its start, then nothing until its end), sound on vs
  --mute, with wake-ups per second and peak memory (VmHWM)
- the bell as recorded from the sink's monitor with parec (plain mode,
  --volume 100): its peak in dBFS, and how long after its step started it
  was heard (an upper bound: parec's own delay is included)

Needs Debian's pulseaudio and pulseaudio-utils.
Usage: bench/measure_sound.py [--binary target/release/knotless] [--seconds 60]
Build first: cargo build --release
"""

import argparse
import array
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import Session, launch  # noqa: E402

RATE = 48000


class PrivatePulse:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="kpa", dir="/tmp")
        d = self.dir
        env = dict(os.environ, HOME=d, XDG_RUNTIME_DIR=d, PULSE_RUNTIME_PATH=d)
        env.pop("PULSE_SERVER", None)
        self.proc = subprocess.Popen(
            [
                "pulseaudio", "-n", "--daemonize=no", "--system=false",
                "--exit-idle-time=-1", "--use-pid-file=no", "--disallow-exit",
                f"--log-target=file:{d}/log",
                "--load=module-null-sink sink_name=k rate=48000 format=float32le channels=2",
                f"--load=module-native-protocol-unix socket={d}/native auth-anonymous=1",
            ],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.server = f"unix:{d}/native"
        deadline = time.monotonic() + 15
        while subprocess.run(["pactl", "info"], env=self.env(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
            if time.monotonic() > deadline:
                raise SystemExit("the private PulseAudio server did not start")
            time.sleep(0.05)

    def env(self):
        return dict(os.environ, PULSE_SERVER=self.server, HOME=self.dir)

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class Recorder:
    """parec on the monitor: mono float samples and when each chunk came."""

    def __init__(self, pulse):
        self.proc = subprocess.Popen(
            ["parec", "-d", "k.monitor", "--raw", "--format=float32le",
             "--rate=48000", "--channels=1", "--latency-msec=5"],
            env=pulse.env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.samples = array.array("f")
        self.arrivals = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        while len(self.samples) < 4800:
            time.sleep(0.01)

    def _read(self):
        carry = b""
        while True:
            data = os.read(self.proc.stdout.fileno(), 1024)
            if not data:
                return
            now = time.monotonic()
            carry += data
            whole = len(carry) // 4 * 4
            self.samples.frombytes(carry[:whole])
            carry = carry[whole:]
            self.arrivals.append((len(self.samples), now))

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.thread.join()
        start = min(at - n / RATE for n, at in self.arrivals)
        return self.samples, start


def bells(binary, pulse, routine, env):
    """Peak (dBFS) and start latency (ms) of each step's bell."""
    import math
    rec = Recorder(pulse)
    proc = subprocess.Popen([binary, "run", routine, "--plain", "--volume", "100"],
                            env=dict(env, **pulse.env()), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    starts = []
    for line in proc.stdout:
        if "] Step " in line:
            starts.append(time.monotonic())
    proc.wait()
    samples, t0 = rec.stop()
    found = []
    for started in starts:
        first = max(0, int((started - t0) * RATE) - 4800)
        onset = next(i for i in range(first, len(samples)) if abs(samples[i]) > 1e-3)
        peak = max(abs(s) for s in samples[onset:onset + int(1.5 * RATE)])
        found.append((20 * math.log10(peak), (t0 + onset / RATE - started) * 1000))
    return found


def between_sounds(binary, routine, extra, env, seconds):
    """CPU-s per minute, wake-ups per second, peak MiB, 5 s into a quiet step."""
    s = Session([binary, "run", routine] + extra, env)
    s.wait_for("Stop if anything hurts")
    s.send("\r")
    s.pump(5)
    cpu0, sw0 = s.cpu_and_wakeups()
    t0 = time.monotonic()
    s.pump(seconds)
    wall = time.monotonic() - t0
    cpu1, sw1 = s.cpu_and_wakeups()
    peak = s.peak_kib()
    threads = len(os.listdir(f"/proc/{s.pid}/task"))
    s.close()
    return (cpu1 - cpu0) / wall * 60, (sw1 - sw0) / wall, peak / 1024, threads


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/knotless")
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    home = tempfile.mkdtemp()
    env = {"KNOTLESS_CONFIG_DIR": os.path.join(home, "config"),
           "KNOTLESS_DATA_DIR": os.path.join(home, "data")}
    quiet = os.path.join(home, "quiet.toml")
    with open(quiet, "w") as f:
        f.write('name = "Quiet"\n[defaults]\ntransition = "0s"\n'
                '[[steps]]\nkind = "rest"\ntitle = "Rest"\nduration = 90\n')
    two = os.path.join(home, "two.toml")
    with open(two, "w") as f:
        f.write('name = "Two"\n[defaults]\ntransition = "0s"\n'
                '[[steps]]\nkind = "rest"\ntitle = "One"\nduration = 5\n'
                '[[steps]]\nkind = "rest"\ntitle = "Two"\nduration = 5\n')

    pulse = PrivatePulse()
    try:
        on = dict(env, PULSE_SERVER=pulse.server)
        off = dict(env, PULSE_SERVER="unix:/nonexistent/knotless/native")
        print(f"knotless sound, {args.seconds:.0f} s windows, private PulseAudio null sink")
        # Interleaved, so that load from elsewhere falls on all three alike.
        cases = [("sound on", on, []), ("--mute", on, ["--mute"]), ("no server", off, [])]
        times = {name: [] for name, _, _ in cases}
        for _ in range(21):
            for name, e, extra in cases:
                times[name].append(launch(binary, ["run", "daily-back"] + extra,
                                          "Stop if anything hurts", e, runs=1))
        for name, _, _ in cases:
            print(f"launch to first frame, {name:9}: {statistics.median(times[name]):.1f} ms "
                  f"median of 21 (min {min(times[name]):.1f})   (budget 5)")
        for name, e, extra in [("sound on", on, []), ("--mute", on, ["--mute"])]:
            cpu, wake, peak, threads = between_sounds(binary, quiet, extra, e, args.seconds)
            print(f"between sounds, {name:8}: {cpu:.4f} CPU-s per minute, "
                  f"{wake:.2f} wake-ups/s, peak {peak:.1f} MiB, {threads} threads")
        first, later = [], []
        for _ in range(5):
            found = bells(binary, pulse, two, env)
            first.append(found[0])
            later.append(found[1])
        for name, runs in [("first step (output just opened)", first),
                           ("second step (output woken from rest)", later)]:
            peaks = [p for p, _ in runs]
            lats = [l for _, l in runs]
            print(f"bell, {name}: peak {statistics.median(peaks):.2f} dBFS "
                  f"(max {max(peaks):.2f}); heard {statistics.median(lats):.1f} ms "
                  f"after its step started (min {min(lats):.1f}, max {max(lats):.1f})")
    finally:
        pulse.stop()


if __name__ == "__main__":
    sys.exit(main())
