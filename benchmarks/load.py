"""Load test of the HTTP API on loopback: concurrent questions, then reviews of a 30-page plan.

    python benchmarks/load.py                        # starts `resv serve` on 127.0.0.1 itself
    python benchmarks/load.py --clients 8 --requests 200 --reviews 4 --seconds 60
    python benchmarks/load.py --requests 1000 --reviews 0 --reviews-during 2   # 8 clients asking while 2 reviews run
    python benchmarks/load.py --url http://127.0.0.1:8000

Without --url it starts a server over the index in --data-dir (default: RESV_DATA_DIR or the
user's data folder) and reports how long /healthz took to say ok; when that start had to build
the index first, it starts the server again to time a start over the built index. Questions are
a varied set (insurers, bouwstenen, English, follow-ups with history, abstentions); about one
request in four goes through the streamed /api/chat, and cited passages are fetched as the web
app does. Prints throughput, p50/p95/max latency and errors per endpoint.

Targets: /api/ask p95 <= 100 ms at 8 clients with no errors; ready <= 5 s; 30-page review <= 10 s.
Only loopback addresses are accepted.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import statistics
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python benchmarks/load.py` from anywhere: use this checkout

LOOPBACK = {"127.0.0.1", "localhost", "::1"}

QUESTIONS = [
    "Wat eist CZ voor bouwsteen 4?",
    "Welke minimumeisen gelden voor bouwsteen 1?",
    "Wat verwacht Menzis van hechte wijkverbanden?",
    "Welke verzekeraars eisen een escalatieladder?",
    "Wat is het verschil tussen CZ en VGZ bij bouwsteen 5?",
    "Wat vraagt Zilveren Kruis voor de begroting 2027?",
    "What does Menzis require for building block 1?",
    "Hoeveel hoofdtaken moeten in 2028 worden uitgevoerd volgens CZ?",
    "Wat moet het RESV-plan zeggen over de impact op patiënten?",
    "Welke ontwikkelstappen verwacht VGZ voor 2028 en 2029?",
    "Wat zegt de handreiking over executiekracht?",
    "Moet het werkgebied op postcodeniveau worden beschreven?",
    "Wat eist VGZ voor bouwsteen 2?",
    "Welke eisen stelt Menzis aan de governance?",
    "What should the budget for 2027 contain?",
    "Wat eist DSW voor bouwsteen 4?",
    "Hoeveel euro krijgt een RESV per inwoner?",
    "Wat eist CZ voor bouwsteen 9?",
    "Wat is de hoofdstad van Frankrijk?",
    "Wat zijn de hoofdtaken van een RESV?",
] + [f"Wat eist {insurer} voor bouwsteen {n}?" for insurer in ("Zilveren Kruis", "VGZ", "Menzis") for n in range(1, 8)]
FOLLOW_UPS = [("Wat eist CZ voor bouwsteen 4?", "En voor VGZ?"), ("Wat vraagt Menzis voor bouwsteen 5?", "En Zilveren Kruis?")]


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, endpoint: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.latencies[endpoint].append(seconds)
            if error:
                self.errors[endpoint].append(error)


def check_loopback(url: str) -> str:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"Alleen loopback-adressen (127.0.0.1, localhost, ::1); niet {host or url!r}.")
    return url.rstrip("/")


# --- one client ------------------------------------------------------------------------------------


def client_loop(url: str, token: str | None, stats: Stats, counter: Iterator[int], deadline: float) -> None:
    """One user: questions one after another over one keep-alive connection (stdlib: light on the CPU we share)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}

    def request(endpoint: str, method: str, path: str, body: dict | None = None) -> str | None:
        began = time.perf_counter()
        try:
            connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8")
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            stats.record(endpoint, time.perf_counter() - began, f"{type(exc).__name__}: {exc}")
            return None
        error = None if response.status == 200 else f"{response.status}: {text[:200]}"
        if endpoint.endswith("(stream)") and not error and ("event: done" not in text or "event: error" in text):
            error = f"incomplete stream: {text[-200:]}"
        stats.record(endpoint, time.perf_counter() - began, error)
        return None if error else text

    with contextlib.closing(connection):
        for i in counter:
            if time.perf_counter() > deadline:
                return
            question = QUESTIONS[i % len(QUESTIONS)]
            if i % 4 == 3:
                request("POST /api/chat (stream)", "POST", "/api/chat", {"question": question, "history": []})
                continue
            history: list[dict] = []
            if i % 10 == 5:
                first, question = FOLLOW_UPS[i % len(FOLLOW_UPS)]
                history = [{"role": "user", "content": first}, {"role": "assistant", "content": "…"}]
            text = request("POST /api/ask", "POST", "/api/ask", {"question": question, "insurer": None, "history": history})
            citations = json.loads(text)["citations"] if text else []
            if citations and i % 3 == 0:
                request("GET /api/passages/{id}", "GET", f"/api/passages/{citations[0]['passage_id']}")


def timed(stats: Stats, endpoint: str, call) -> None:  # noqa: ANN001 - a zero-argument request
    began = time.perf_counter()
    try:
        response = call()
    except httpx.HTTPError as exc:
        stats.record(endpoint, time.perf_counter() - began, f"{type(exc).__name__}: {exc}")
        return
    error = None if response.status_code == 200 else f"{response.status_code}: {response.text[:200]}"
    stats.record(endpoint, time.perf_counter() - began, error)


# --- the 30-page plan ---------------------------------------------------------------------------------


SECTIONS = [
    ("Deelnemers en mandaat", "Aan het RESV nemen huisartsen, apothekers, wijkverpleging, fysiotherapeuten, "
     "paramedici en sociaal werkers deel. De huisartsen hebben hun mandaat vastgelegd in de ALV van 9 april 2026; "
     "de apothekers volgen in het najaar. Iedere beroepsgroep heeft één stem in het bestuur."),
    ("Werkgebied en regioplan", "Het werkgebied omvat de gemeenten Lingedal, Beekhoven en Asperen (postcodes 4100–4139). "
     "Het plan sluit aan op het IZA-regioplan en op de gezondheidsopgaven die de gemeenten beschrijven."),
    ("Impact", "We verwachten dat de wachttijd voor fysiotherapie daalt van zes naar drie weken in 2027 en dat het aantal "
     "praktijken met een patiëntenstop halveert. We meten dit ieder kwartaal ten opzichte van de nulmeting van 2026."),
    ("Activiteiten 2027", "In 2027 starten we drie hechte wijkverbanden (hoofdtaak 4) en een regionaal HR-loket "
     "(hoofdtaak 5). Elk wijkverband bestaat uit huisartsen, wijkverpleging, apotheek en een sociaal werker."),
    ("Executiekracht", "Het bestuur stuurt op de voortgang; elk kwartaal verschijnt een voortgangsrapportage met de "
     "inkomsten en uitgaven. Bij problemen volgen we een escalatieladder: programmamanager, bestuur, zorgverzekeraar."),
    ("Ontwikkelstappen 2028–2029", "In 2028 voeren we drie hoofdtaken uit en in 2029 alle vijf. Na 2030 is het RESV "
     "een zelfstandige organisatie met een eigen rechtsvorm."),
    ("Begroting 2027", "De begroting 2027 bedraagt 1,2 miljoen euro, waarvan 60 % voor de hechte wijkverbanden, "
     "25 % voor het HR-loket en 15 % voor de organisatie van het RESV."),
]


def thirty_page_plan() -> bytes:
    """A PDF of exactly 30 pages: the plan's sections, each page one part with its own numbers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    story = []
    for page in range(1, 31):
        story.append(Paragraph(f"Deel {page} – RESV-plan Lingeland 2027–2029", styles["Heading1"]))
        for n, (title, text) in enumerate(SECTIONS):
            story.append(Paragraph(f"{page}.{n + 1} {title}", styles["Heading3"]))
            story.append(Paragraph(text.replace("drie hechte", f"{3 + page % 4} hechte"), styles["BodyText"]))
        if page < 30:
            story.append(PageBreak())
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="RESV-plan Lingeland").build(story)
    return buffer.getvalue()


def run_reviews(url: str, token: str | None, count: int, stats: Stats, deadline: float,
                stop: threading.Event | None = None) -> None:
    """`count` reviews one after another (until `deadline`, or until `stop` is set when count is -1)."""
    if count == 0:
        return
    plan = thirty_page_plan()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    done = 0
    with httpx.Client(base_url=url, timeout=120, headers=headers) as client:
        while (count < 0 or done < count) and time.perf_counter() <= deadline and not (stop and stop.is_set()):
            timed(stats, "POST /api/review (30 p.)", lambda: client.post(
                "/api/review", files={"file": ("plan-lingeland-30p.pdf", plan, "application/pdf")}, data={"insurer": "CZ"}))
            done += 1


# --- report -------------------------------------------------------------------------------------------


def report(stats: Stats, phases: dict[str, float]) -> None:
    print(f"\n{'endpoint':28} {'n':>5} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for endpoint, values in stats.latencies.items():
        ms = sorted(v * 1000 for v in values)
        p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
        phase = phases["reviews" if "review" in endpoint else "questions"]
        print(f"{endpoint:28} {len(ms):5d} {len(stats.errors[endpoint]):6d} {len(ms) / phase:7.1f} "
              f"{statistics.median(ms):8.1f} {p95:8.1f} {ms[-1]:8.1f}")
    for endpoint, errors in stats.errors.items():
        for error in errors[:3]:
            print(f"  {endpoint}: {error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server on loopback; without it one is started")
    parser.add_argument("--data-dir", type=Path, help="index folder for the started server")
    parser.add_argument("--token", help="bearer token of the server at --url")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200, help="question requests in total (ask and chat)")
    parser.add_argument("--reviews", type=int, default=4, help="reviews of a 30-page PDF, one after another")
    parser.add_argument("--reviews-during", type=int, default=0,
                        help="reviews running one after another in this many threads while the questions are asked")
    parser.add_argument("--seconds", type=float, default=60, help="stop each phase after this long")
    args = parser.parse_args(argv)

    with contextlib.ExitStack() as stack:
        if args.url:
            url = check_loopback(args.url)
        else:
            url = start_server(stack, args.data_dir)
        stats = Stats()
        counter = iter(range(args.requests))
        began = time.perf_counter()
        threads = [threading.Thread(target=client_loop, args=(url, args.token, stats, counter, began + args.seconds))
                   for _ in range(args.clients)]
        stop = threading.Event()
        reviewers = [threading.Thread(target=run_reviews, args=(url, args.token, -1, stats, began + args.seconds, stop))
                     for _ in range(args.reviews_during)]
        for thread in reviewers + threads:
            thread.start()
        for thread in threads:
            thread.join()
        questions = time.perf_counter() - began
        stop.set()
        for thread in reviewers:
            thread.join()
        began = time.perf_counter()
        run_reviews(url, args.token, args.reviews, stats, began + args.seconds)
        reviews = time.perf_counter() - began
        print(f"\n{args.clients} clients, {args.requests} question requests in {questions:.1f} s "
              f"(with {args.reviews_during} reviews running); {args.reviews} reviews in {reviews:.1f} s")
        report(stats, {"questions": questions, "reviews": max(reviews if args.reviews else questions, 1e-9)})
        return 1 if any(stats.errors.values()) else 0


def start_server(stack: contextlib.ExitStack, data_dir: Path | None) -> str:
    """Start `resv serve` on 127.0.0.1 and print how long it took to be ready."""
    from assistant.settings import Settings
    from tests.server import running_server

    data_dir = (data_dir or Settings().data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / "resv-load-server.log"
    built = (data_dir / "CURRENT").is_file()
    if not built:
        with running_server(data_dir, timeout=600, log_path=log_path) as server:
            print(f"/healthz ready after {server.ready_seconds:.1f} s (the index was built on start-up)")
    server = stack.enter_context(running_server(data_dir, timeout=120, log_path=log_path))
    print(f"/healthz ready after {server.ready_seconds:.1f} s with a built index ({data_dir}); server log: {log_path}")
    return server.url


if __name__ == "__main__":
    sys.exit(main())
