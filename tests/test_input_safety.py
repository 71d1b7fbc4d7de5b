"""Hostile input: broken CSV quoting, symbolic links and special files in an
ingested folder, floods of bad records, and names that would rewrite the
terminal. Each case names the file and the problem and lets the batch go on."""

from __future__ import annotations

import json
import os
import re
import threading
import time
import tracemalloc
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import sitroom.pipeline
from sitroom.cli import app
from sitroom.ingest.readers import iter_items
from sitroom.pipeline import IngestOptions
from sitroom.records import IngestProblem, RawItem
from sitroom.store import Store

runner = CliRunner()


def read(*paths, **kw) -> list[RawItem | IngestProblem]:
    return list(iter_items([str(p) for p in paths], **kw))


def articles(items) -> list[RawItem]:
    return [i for i in items if isinstance(i, RawItem)]


def problems(items) -> list[IngestProblem]:
    return [i for i in items if isinstance(i, IngestProblem)]


def db_rows(path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture()
def workdir(tmp_path, monkeypatch, mini_pipeline):
    """Run commands from tmp_path, ingesting through the mini pipeline."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SITROOM_DB", raising=False)
    monkeypatch.setattr(sitroom.pipeline, "Pipeline", lambda *a, **kw: mini_pipeline)
    return tmp_path


def invoke(*args: str):
    return runner.invoke(app, list(args))


def flat(text: str) -> str:
    return " ".join(text.split())


# --- 1. CSV with a quote that is never closed ---------------------------------------------------------

PROBE = b'id,title,text\nq1,T1,"Iran warned Israel. no close\nq2,T2,Israel struck Iran.\n'


def test_unclosed_quote_is_e107_naming_the_line_and_the_next_rows_are_read(tmp_path):
    p = tmp_path / "q.csv"
    p.write_bytes(PROBE)
    items = read(p)
    [prob] = problems(items)
    assert prob.code == "E107" and prob.failure
    assert prob.source == f"{p}#row 1"
    assert "line 2" in prob.message and "never closed" in prob.message
    assert [(a.article_id, a.text) for a in articles(items)] == [("q2", "Israel struck Iran.")]


def test_rows_before_the_bad_quote_are_kept_and_a_later_quoted_row_ends_the_damage(tmp_path):
    p = tmp_path / "q.csv"
    p.write_bytes(
        b"id,title,text\n"
        b'q0,T0,"Before, fine."\n'
        b'q1,T1,"Iran warned Israel. no close\n'
        b"q2,T2,Israel struck Iran.\n"
        b'q3,T3,"Egypt urged calm,\nand restraint."\n'
        b"q4,T4,Iran condemned Israel.\n"
    )
    items = read(p)
    [prob] = problems(items)
    assert prob.code == "E107" and "line 3" in prob.message
    got = [(a.article_id, a.text) for a in articles(items)]
    assert got == [
        ("q0", "Before, fine."),
        ("q2", "Israel struck Iran."),
        ("q3", "Egypt urged calm,\nand restraint."),
        ("q4", "Iran condemned Israel."),
    ]


def test_unclosed_quote_on_the_last_line(tmp_path):
    p = tmp_path / "q.csv"
    p.write_bytes(b'id,text\nq1,one\nq2,"two')
    items = read(p)
    [prob] = problems(items)
    assert prob.code == "E107" and prob.source == f"{p}#row 2" and "line 3" in prob.message
    assert [a.article_id for a in articles(items)] == ["q1"]


@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"\r"], ids=["lf", "crlf", "cr"])
def test_multiline_quoted_fields_still_work(tmp_path, eol):
    p = tmp_path / "m.csv"
    p.write_bytes(
        eol.join([
            b"id,title,text",
            b'm1,"Talks, again","He said ""no"".',
            b"",
            b'Then he left, quickly."',
            b"m2,T,Israel struck Iran.",
            b"",
        ])
    )  # fmt: skip
    items = read(p)
    assert problems(items) == []
    first, second = articles(items)
    assert (first.article_id, first.title, first.text) == ("m1", "Talks, again", 'He said "no".\n\nThen he left, quickly.')
    assert (second.article_id, second.text, second.source) == ("m2", "Israel struck Iran.", f"{p}#row 2")


def test_csv_records_across_read_chunks(tmp_path):
    """Lines and quoted fields that straddle the reader's 64 KiB chunks."""
    rows = [f'r{i},"{"word " * (i % 50)}line one\nline two, with a ""quote"""' for i in range(2000)]
    p = tmp_path / "big.csv"
    p.write_bytes(("id,text\r\n" + "\r\n".join(rows) + "\r\n").encode())
    items = read(p)
    assert problems(items) == []
    got = articles(items)
    assert len(got) == 2000
    assert got[1999].text == "word " * 49 + 'line one\nline two, with a "quote"'


def test_cli_reports_the_broken_quote_and_stores_the_rest(workdir):
    (workdir / "x").mkdir()
    (workdir / "x" / "q.csv").write_bytes(PROBE)
    result = invoke("ingest", "x", "--db", "q.duckdb")
    assert result.exit_code == 1, result.output
    err = flat(result.stderr)
    assert "E107" in err and "q.csv#row 1" in err and "line 2" in err
    assert "1 failed" in err
    assert db_rows("q.duckdb", "SELECT article_id, text FROM articles") == [("q2", "Israel struck Iran.")]
    assert db_rows("q.duckdb", "SELECT code FROM ingest_errors") == [("E107",)]


# --- 3. symbolic links and special files -------------------------------------------------------------


@pytest.fixture()
def outside(tmp_path) -> Path:
    """A folder next to the one ingested, with a secret in it."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "secret.txt").write_text("root:x:0:0:the password file\n")
    return folder


@pytest.fixture()
def inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text("Israel struck Iran.\n")
    return folder


def test_link_to_a_file_outside_the_folder_is_refused(inbox, outside):
    (inbox / "p.txt").symlink_to(outside / "secret.txt")
    items = read(inbox)
    assert [a.article_id for a in articles(items)] == ["a"]
    [prob] = problems(items)
    assert prob.code == "E116" and prob.failure
    assert prob.source == str(inbox / "p.txt")
    assert str(outside / "secret.txt") in prob.message and "--follow-symlinks" in prob.message


def test_link_to_a_folder_outside_is_refused(inbox, outside):
    (inbox / "etc").symlink_to(outside)
    items = read(inbox)
    assert [a.article_id for a in articles(items)] == ["a"]
    [prob] = problems(items)
    assert prob.code == "E116" and prob.source == str(inbox / "etc") and str(outside) in prob.message


def test_follow_symlinks_reads_links_out_of_the_folder_once(inbox, outside):
    (inbox / "p.txt").symlink_to(outside / "secret.txt")
    (inbox / "etc").symlink_to(outside)
    items = read(inbox, follow_symlinks=True)
    assert [a.article_id for a in articles(items)] == ["a", "p"]
    # the folder link is walked, and the file already read through p.txt is not read again
    [again] = problems(items)
    assert again.source == str(inbox / "etc" / "secret.txt") and again.code == "E116" and not again.failure


def test_link_inside_the_folder_is_not_read_twice(inbox):
    (inbox / "sub").mkdir()
    (inbox / "sub" / "b.txt").write_text("Iran condemned Israel.\n")
    (inbox / "also-a.txt").symlink_to(inbox / "a.txt")
    (inbox / "again").symlink_to(inbox / "sub")
    items = read(inbox)
    assert sorted(a.article_id for a in articles(items)) == ["a", "b"]
    skipped = problems(items)
    assert {p.source for p in skipped} == {str(inbox / "also-a.txt"), str(inbox / "again")}
    assert all(not p.failure for p in skipped)


def _in_thread(fn, timeout: float = 30.0):
    """Run ``fn`` in a thread; (finished, result)."""
    out: list = []
    t = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    t.start()
    t.join(timeout)
    return (not t.is_alive()), (out[0] if out else None)


def test_link_loops_end(inbox):
    (inbox / "l1.txt").symlink_to(inbox / "l2.txt")
    (inbox / "l2.txt").symlink_to(inbox / "l1.txt")
    (inbox / "up").symlink_to("..")
    (inbox / "self").symlink_to(".")
    for follow in (False, True):
        done, items = _in_thread(lambda: read(inbox, follow_symlinks=follow))
        assert done, "reading a folder with link loops did not end"
        by_source = {p.source: p for p in problems(items)}
        assert by_source[str(inbox / "l1.txt")].code == "E101" and "loop" in by_source[str(inbox / "l1.txt")].message
        assert by_source[str(inbox / "l2.txt")].code == "E101"
        assert sum(1 for a in articles(items) if a.article_id == "a") == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("named", [False, True], ids=["in-folder", "named"])
def test_fifo_is_refused_without_being_opened(inbox, named):
    fifo = inbox / "pipe.txt"
    os.mkfifo(fifo)
    try:
        done, items = _in_thread(lambda: read(fifo if named else inbox), timeout=20)
    finally:
        try:  # let a reader blocked on the FIFO go
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass
    assert done, "reading a FIFO blocked"
    prob = next(p for p in problems(items) if p.source == str(fifo))
    assert prob.code == "E101" and "FIFO" in prob.message


def test_cli_refuses_the_link_and_follow_symlinks_reads_it(workdir, inbox, outside):
    (inbox / "p.txt").symlink_to(outside / "secret.txt")
    result = invoke("ingest", str(inbox), "--db", "s.duckdb")
    assert result.exit_code == 1, result.output
    assert "E116" in result.stderr and "p.txt" in result.stderr
    assert db_rows("s.duckdb", "SELECT article_id FROM articles") == [("a",)]
    result = invoke("ingest", str(inbox), "--db", "s.duckdb", "--follow-symlinks")
    assert result.exit_code == 0, result.output
    assert sorted(db_rows("s.duckdb", "SELECT article_id FROM articles")) == [("a",), ("p",)]


def test_watch_refuses_a_link_out_of_the_watched_folder(tmp_path, inbox, outside, mini_pipeline):
    from sitroom.watch import Watcher

    (inbox / "p.txt").symlink_to(outside / "secret.txt")
    now = [0.0]

    def rounds(w):  # files just written are read once a later poll finds them unchanged
        reports = []
        for _ in range(2):
            reports.append(w.poll_once())
            now[0] += 60
        return reports

    with Store(tmp_path / "w.duckdb") as store:
        w = Watcher([str(inbox)], store, mini_pipeline, every=60, options=IngestOptions(), sleep=lambda s: None,
                    clock=lambda: now[0])  # fmt: skip
        polls = rounds(w)
        assert sum(r.articles for r in polls) == 1 and sum(r.problems for r in polls) == 1
        assert store.query("SELECT article_id FROM articles") == [("a",)]
        assert store.query("SELECT source, code FROM ingest_errors") == [(str(inbox / "p.txt"), "E116")]
        w2 = Watcher([str(inbox)], store, mini_pipeline, every=60, options=IngestOptions(follow_symlinks=True),
                     sleep=lambda s: None, clock=lambda: now[0])  # fmt: skip
        assert sum(r.articles for r in rounds(w2)) == 1
        assert sorted(store.query("SELECT article_id FROM articles")) == [("a",), ("p",)]


# --- 5. a flood of bad records ------------------------------------------------------------------------------


def _flood(folder: Path, n: int) -> Path:
    folder.mkdir(exist_ok=True)
    with (folder / "e.jsonl").open("w") as fh:
        for i in range(n):
            fh.write(f'{{"id":"a{i}","text":""}}\n')
    return folder


def test_a_flood_of_bad_records_is_counted_exactly_in_flat_memory(tmp_path, mini_pipeline):
    n = 200_000
    flood = _flood(tmp_path / "flood", n)
    with Store(tmp_path / "s.duckdb") as store:
        mini_pipeline.ingest([_flood(tmp_path / "warm", 10)], store)  # load what loads once
        tracemalloc.start()
        try:
            report = mini_pipeline.ingest([flood], store)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 20 * 2**20, f"peak {peak / 2**20:.1f} MiB while reading {n:,} bad records"
        assert report.failed == n and report.problem_total == n
        assert len(report.problems) <= 1000
        assert store.scalar("SELECT count(*) FROM ingest_errors WHERE source LIKE ?", [f"{flood}%"]) == n


def test_cli_prints_the_true_count_and_errors_and_summary_agree(workdir):
    _flood(workdir / "flood", 3000)
    result = invoke("ingest", "flood", "--db", "s.duckdb")
    assert result.exit_code == 1
    err = flat(result.stderr)
    assert "... and 2,950 more" in err
    assert "3000 failed (3000 missing article text)" in err
    assert db_rows("s.duckdb", "SELECT count(*) FROM ingest_errors") == [(3000,)]
    summary = flat(invoke("summary", "--db", "s.duckdb").stdout)
    assert "E109 x3000" in summary
    shown = invoke("errors", "--db", "s.duckdb")
    assert "3,000" in flat(shown.stderr)


def test_reingest_adds_no_duplicate_problem_rows(workdir):
    corpus = workdir / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Israel struck Iran.\n")
    (corpus / "README.md").write_text("# notes\n")
    (corpus / "bad.txt").write_bytes(b"")
    for _ in range(3):
        invoke("ingest", "c", "--db", "s.duckdb")
    rows = db_rows("s.duckdb", "SELECT source, code, failure FROM ingest_errors ORDER BY source")
    assert rows == [(str(Path("c") / "README.md"), "E111", False), (str(Path("c") / "bad.txt"), "E103", True)]


def test_summary_lists_what_errors_lists(workdir):
    corpus = workdir / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Israel struck Iran.\n")
    (corpus / "README.md").write_text("# notes\n")
    invoke("ingest", "c", "--db", "s.duckdb")
    assert "E111" in invoke("errors", "--db", "s.duckdb").stdout
    summary = flat(invoke("summary", "--db", "s.duckdb").stdout)
    assert "Ingest problems none" not in summary
    assert "E111 x1 (skipped): not an article format; skipped" in summary


# --- 8. names that would rewrite the terminal --------------------------------------------------------------

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def test_printable_escapes_controls_ansi_bidi_and_separators():
    from sitroom.terminal import printable

    assert printable("a\nb\tc\rd") == "a\\nb\\tc\\rd"
    assert printable("\x1b[31mred\x07") == "\\x1b[31mred\\x07"
    assert printable("\x85\x9b") == "\\x85\\x9b"
    assert printable("txt\u202eexe.\u2066x\u2069\u200b") == "txt\\u202eexe.\\u2066x\\u2069\\u200b"
    assert printable("line\u2028para\u2029") == "line\\u2028para\\u2029"
    assert printable("caf\udce9") == "caf\\udce9"  # an undecodable byte of a file name
    assert printable("Téhéran – «ok» 東京 🙂") == "Téhéran – «ok» 東京 🙂"


def test_every_control_format_and_separator_character_is_escaped():
    import sys
    import unicodedata

    from sitroom.terminal import printable

    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            assert printable(ch) != ch, hex(cp)


@pytest.fixture()
def hostile(workdir) -> Path:
    folder = workdir / "names"
    folder.mkdir()
    (folder / "a\nerror: everything is fine.txt").write_bytes(b"")
    (folder / "c\x1b[31mred.txt").write_bytes(b"")
    (folder / "b\u202etxt.exe").write_bytes(b"")
    (folder / "d.jsonl").write_text(json.dumps({"id": "x", "text": "Israel struck Iran.", "published": "2024\n\x1b[2Jerror: fake"}) + "\n")
    return folder


def _assert_clean(text: str) -> None:
    assert not RAW.search(text), repr(text)
    assert not any(line.lstrip().startswith("error: everything") for line in text.splitlines())


def test_ingest_errors_and_summary_print_names_escaped(hostile):
    result = invoke("ingest", "names", "--db", "s.duckdb")
    assert result.exit_code == 1
    _assert_clean(result.stderr)
    assert "names/a\\nerror: everything is fine.txt: [E103]" in result.stderr
    assert "c\\x1b[31mred.txt" in result.stderr
    assert "b\\u202etxt.exe" in result.stderr
    assert "2024\\n\\x1b[2Jerror: fake" in result.stderr
    for command in ("errors", "summary"):
        shown = invoke(command, "--db", "s.duckdb")
        assert shown.exit_code == 0, shown.output
        _assert_clean(shown.stdout)
    assert "\\x1b" in invoke("errors", "--db", "s.duckdb").stdout


def test_verbose_log_lines_are_escaped(hostile):
    result = invoke("--verbose", "ingest", "names", "--db", "s.duckdb")
    _assert_clean(result.stderr)


def test_watch_lines_are_escaped(workdir):
    folder = workdir / "in\nbox\x1b[0m"
    folder.mkdir()
    (folder / "a.txt").write_text("Israel struck Iran.\n")
    os.utime(folder / "a.txt", (time.time() - 600, time.time() - 600))  # written earlier: read at the first poll
    result = invoke("watch", str(folder.name), "--db", "s.duckdb", "--cycles", "1", "--every", "1s")
    assert result.exit_code == 0, result.output
    _assert_clean(result.stderr)
    assert "in\\nbox\\x1b[0m: 1 new article" in flat(result.stderr)
