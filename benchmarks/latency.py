"""Speed of the answers pipeline on this machine: ingest from scratch, first answer after start,
and warm batch answers (p50/p95). Run: `.venv/bin/python benchmarks/latency.py`.

Timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESV = str(Path(sys.executable).with_name("resv"))


def main() -> None:
    questions = [json.loads(line)["question"] for line in (ROOT / "evals" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "RESV_DATA_DIR": data_dir}
        began = time.perf_counter()
        subprocess.run([RESV, "ingest"], env=env, check=True, capture_output=True)
        ingest = time.perf_counter() - began

        began = time.perf_counter()
        subprocess.run([RESV, "ask", "Wat eist CZ voor bouwsteen 4?", "--json"], env=env, check=True, capture_output=True)
        first = time.perf_counter() - began

        process = subprocess.Popen([RESV, "ask", "--json", "-"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert process.stdin and process.stdout
        process.stdin.write(questions[0] + "\n")
        process.stdin.flush()
        process.stdout.readline()  # warm-up
        latencies = []
        for question in questions[1:]:
            began = time.perf_counter()
            process.stdin.write(question.replace("\n", " ") + "\n")
            process.stdin.flush()
            process.stdout.readline()
            latencies.append((time.perf_counter() - began) * 1000)
        process.stdin.close()
        process.wait()
    latencies.sort()
    print(f"ingest from scratch: {ingest:.1f} s")
    print(f"first answer after start (process start, index load, answer): {first:.2f} s")
    print(f"warm batch answers over {len(latencies)} questions: p50 {statistics.median(latencies):.0f} ms, "
          f"p95 {latencies[int(0.95 * len(latencies)) - 1]:.0f} ms, max {latencies[-1]:.0f} ms")


if __name__ == "__main__":
    main()
