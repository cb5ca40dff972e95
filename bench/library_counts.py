#!/usr/bin/env python3
"""Steps per area in what compose draws from (the step library and the
built-ins), and the words of each built-in's safety note.

    python3 bench/library_counts.py [git-rev]   # default: the working tree
"""
import collections
import subprocess
import sys
import tomllib

rev = sys.argv[1] if len(sys.argv) > 1 else None


def files():
    if rev:
        names = subprocess.run(
            ["git", "ls-tree", "--name-only", rev, "routines/"], capture_output=True, text=True
        ).stdout.split()
        names.append("assets/steps.toml")
        for n in names:
            if n.endswith(".toml"):
                yield n, subprocess.run(["git", "show", f"{rev}:{n}"], capture_output=True, text=True).stdout
    else:
        import glob

        for n in ["assets/steps.toml", *sorted(glob.glob("routines/*.toml"))]:
            yield n, open(n).read()


areas = collections.Counter()
library = collections.Counter()
safety = {}
glance = [0, 0]
for name, text in files():
    doc = tomllib.loads(text)
    for s in doc["steps"]:
        areas[s.get("area", "-")] += 1
        if name == "assets/steps.toml":
            library[s.get("area", "-")] += 1
            glance[0] += 1
            glance[1] += "glance" in s
    if name != "assets/steps.toml":
        safety[name.split("/")[-1][:-5]] = len(doc.get("safety", "").split())
print("steps per area (library + built-ins; library alone):")
for a in sorted(areas):
    print(f"  {a:12} {areas[a]:3} {library[a]:3}")
print(f"  total        {sum(areas.values()):3} {sum(library.values()):3}")
print(f"library steps with a glance line: {glance[1]} of {glance[0]}")
print("safety words per routine (the routine's own note):")
for r, n in sorted(safety.items()):
    print(f"  {r:18} {n}")
