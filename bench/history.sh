#!/usr/bin/env bash
# History files from other machines, measured: for each case, `status`,
# `status --json` and `history` are run under /usr/bin/time -v and the
# wall time, peak memory (max RSS) and output size are printed. The
# budget (PRODUCT.md): `status` over any set of history files in at most
# 0.2 s and 50 MB.
#
#   bench/history.sh [BINARY]      # default target/release/knotless
#
# Cases: 5 million one-byte garbage lines (10 MB); a valid 30 MB history;
# sessions dated 9999; 300 other machines' files beside this one's; a FIFO
# named like a history file; 20 identical sessions written at once.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(realpath "${1:-target/release/knotless}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export KNOTLESS_HOST=bench KNOTLESS_LOG=off NO_COLOR=1

today="$(date +%Y-%m-%dT%H:%M:%S%:z)"
line() { # started routine_id practised
  printf '{"v":1,"started":"%s","routine_id":"%s","routine_name":"R","planned_seconds":600,"practised_seconds":%s,"outcome":"finished","steps":1,"steps_done":1}\n' "$1" "$2" "$3"
}

case_dir() {
  local d="$work/$1"
  mkdir -p "$d/data" "$d/config" "$d/state" "$d/cache"
  echo "$d"
}

make_cases() {
  local d
  d="$(case_dir garbage)"
  python3 -c 'import sys; sys.stdout.buffer.write(b"x\n" * 5_000_000)' >"$d/data/history-other.jsonl"
  line "$today" own 600 >"$d/data/history-bench.jsonl"

  d="$(case_dir valid-30mb)"
  python3 - "$d/data/history-other.jsonl" <<'PY'
import sys, datetime
out = open(sys.argv[1], "w")
start = datetime.datetime(2001, 1, 1, 7, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
size, i = 0, 0
while size < 30 * 1024 * 1024:
    t = (start + datetime.timedelta(minutes=37 * i)).isoformat()
    s = '{"v":1,"started":"%s","routine_id":"daily-back","routine_name":"Daily back reset","planned_seconds":729,"practised_seconds":729,"outcome":"finished","steps":10,"steps_done":10}\n' % t
    out.write(s); size += len(s); i += 1
PY
  line "$today" own 600 >"$d/data/history-bench.jsonl"

  d="$(case_dir future)"
  { for i in $(seq 1 20); do line "9999-12-30T07:30:00+00:00" future "$i"; done; } >"$d/data/history-other.jsonl"
  line "$today" own 600 >"$d/data/history-bench.jsonl"

  d="$(case_dir many-files)"
  for i in $(seq -w 1 300); do line "2020-01-01T07:30:00+00:00" "m$i" 60 >"$d/data/history-a$i.jsonl"; done
  line "$today" own 600 >"$d/data/history-bench.jsonl"

  d="$(case_dir fifo)"
  mkfifo "$d/data/history-other.jsonl"
  line "$today" own 600 >"$d/data/history-bench.jsonl"

  # As this version writes them: alike but for their session ids. (Lines
  # from before ids, alike in every field, still count once.)
  d="$(case_dir twenty-at-once)"
  { for i in $(seq 1 20); do line "$today" same 600 | sed "s/}\$/,\"session_id\":\"$(printf %016x "$i")\"}/"; done; } >"$d/data/history-bench.jsonl"
}

measure() { # case command...
  local name="$1" d="$work/$1"; shift
  local out="$work/out" err="$work/err"
  KNOTLESS_CONFIG_DIR="$d/config" KNOTLESS_DATA_DIR="$d/data" KNOTLESS_STATE_DIR="$d/state" \
    KNOTLESS_CACHE_DIR="$d/cache" /usr/bin/time -v -o "$work/time" timeout 120 "$bin" "$@" >"$out" 2>"$err" || true
  local wall rss cpu
  wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time")"
  # CPU seconds too: on a loaded machine the wall time is mostly waiting.
  cpu="$(awk -F': ' '/User time|System time/ {t += $2} END {printf "%.2f", t}' "$work/time")"
  rss="$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$work/time")"
  printf '%-15s %-15s %9s %6s cpu %9s MB %10s B out %10s B err  | %s\n' "$name" "$*" "$wall" "$cpu" "$rss" \
    "$(stat -c %s "$out")" "$(stat -c %s "$err")" "$(head -c 100 "$out" | tr '\n' ' ')"
}

make_cases
printf '%-15s %-15s %9s %10s %12s %16s %16s  | %s\n' case command wall cpu-s peak stdout stderr "what the user sees"
for c in garbage valid-30mb future many-files fifo twenty-at-once; do
  measure "$c" status
  measure "$c" history
done
