#!/usr/bin/env python3
"""The first run as a newcomer meets it: a fresh clone, then ./scripts/demo.sh on a terminal.

Prints, in seconds from the start of the clone, when each distinct line of output first appears
(the build's progress line once), so that the time to CODEX's first line can be read off.

  python3 bench/first_run.py [REPO] [--dir /tmp/codex-first-run]

REPO defaults to this checkout. The clone and the demo's data (XDG_DATA_HOME) go under --dir,
which is emptied first. Packages must be present or installable: setup.sh runs as usual.
"""
import argparse
import os
import pty
import shutil
import subprocess
import time


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("repo", nargs="?", default=here)
    ap.add_argument("--dir", default="/tmp/codex-first-run")
    args = ap.parse_args()
    shutil.rmtree(args.dir, ignore_errors=True)
    os.makedirs(args.dir)
    clone, data = os.path.join(args.dir, "clone"), os.path.join(args.dir, "data")
    t0 = time.time()
    subprocess.run(["git", "clone", "-q", args.repo, clone], check=True)
    env = dict(os.environ, XDG_DATA_HOME=data)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the demo command on a terminal, as a newcomer types it
        os.chdir(clone)
        os.execvpe("./scripts/demo.sh", ["./scripts/demo.sh"], env)
    seen, build_shown = set(), False
    while True:
        try:
            data_read = os.read(fd, 4096)
        except OSError:
            break
        if not data_read:
            break
        now = time.time() - t0
        for piece in data_read.replace(b"\r", b"\n").split(b"\n"):
            line = piece.decode("utf-8", "replace").replace("\x1b[2K", "").replace("\x1b[K", "").strip()
            if not line or line in seen:
                continue
            if line.startswith("codex build:"):
                if build_shown:
                    continue
                build_shown = True
            seen.add(line)
            print(f"{now:7.1f}  {line[:110]}", flush=True)
    _, status = os.waitpid(pid, 0)
    print(f"{time.time() - t0:7.1f}  (exit {os.waitstatus_to_exitcode(status)})")


if __name__ == "__main__":
    main()
