"""Run every benchmark briefly, one after another, each bounded in time.

    python -m bench [--seconds 3]

`--seconds` is the measured time each benchmark is given (compile, seeding and start-up come on
top); each prints its own numbers against its baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys


def commands(seconds: float) -> list[list[str]]:
    s = f"{seconds:g}"
    return [
        ["bench.rules_bench", "--seconds", f"{seconds * 2 + 2:g}", "--messages", "2000"],
        ["bench.chat_bench", "--seconds", s, "--rooms", "2"],
        ["bench.media_bench", "--seconds", s, "--max-rooms", "1"],
        # speech needs room for a few utterances per peer: 13 s of it at the default 3 s
        ["bench.speaking_bench", "--seconds", f"{seconds * 3 + 4:g}"],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--seconds", type=float, default=3.0, help="measured time per bench")
    parser.add_argument("--only", default="", help="run only benches whose name contains this")
    args = parser.parse_args()
    failed = []
    for command in commands(args.seconds):
        name = command[0]
        if args.only not in name:
            continue
        print(f"== python -m {' '.join(command)}", flush=True)
        # a generous wall-clock bound: start-up and seeding on a loaded machine, never forever
        try:
            code = subprocess.run([sys.executable, "-m", *command], timeout=300).returncode
        except subprocess.TimeoutExpired:
            code = -1
        if code != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
