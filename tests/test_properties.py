"""Property tests: every reader and the cleaner, on hostile bytes, give articles or
coded problems and nothing else, in bounded time and memory; and the CSV reader
splits records exactly as the csv module does, and after a stray quote gets
every other row back."""

from __future__ import annotations

import csv
import io
import time
import tracemalloc

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sitroom.errors import CODES
from sitroom.ingest.clean import clean
from sitroom.ingest.csvfile import csv_records, split_fields
from sitroom.ingest.readers import FORMATS, iter_items
from sitroom.records import IngestProblem, RawItem

# Per input, under tracemalloc (which slows pure-Python parsers such as feedparser's
# several times over): generous, for a shared machine. Inputs are at most ~1 MB.
MAX_SECONDS = 20.0
MAX_MIB = 64

SAMPLES = {
    "txt": b"Headline\n\nIsrael struck Iran.\n",
    "html": b"<html><head><title>T</title></head><body><p>Israel struck Iran on Tuesday.</p></body></html>",
    "jsonl": b'{"id": "a", "text": "Israel struck Iran.", "published": "2024-04-02"}\n',
    "csv": b'id,text,published\na,"Israel struck Iran.",2024-04-02\n',
    "feed": b'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item><title>x</title>'
    b"<description>Israel struck Iran.</description></item></channel></rss>",
}
SUFFIXES = sorted(FORMATS)


def _nested(open_tag: bytes, close_tag: bytes, depth: int, middle: bytes = b"Israel struck Iran.") -> bytes:
    return open_tag * depth + middle + close_tag * depth


def _mutate(sample: bytes, cut: int, junk: bytes) -> bytes:
    cut = cut % (len(sample) + 1)
    return sample[:cut] + junk + sample[cut:]


hostile_bytes = st.one_of(
    st.binary(max_size=2000),
    st.builds(_mutate, st.sampled_from(list(SAMPLES.values())), st.integers(0, 300), st.binary(max_size=60)),
    # odd encodings, with NULs and BOMs
    st.builds(
        lambda bom, t, enc: bom + t.encode(enc, errors="replace"),
        st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]),
        st.text(max_size=300),
        st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "cp1252", "shift_jis", "koi8-r", "gb18030", "utf-32"]),
    ),
    st.builds(lambda t: t.encode("utf-8").replace(b" ", b"\x00"), st.text(max_size=300)),
    # one huge line (no newline at all), of text, quotes, markup or JSON
    st.builds(
        lambda unit, n: unit * n,
        st.sampled_from([b"a", b"\"", b'",', b"<p>", b"<", b"{", b"[", b"\x00", b"Israel struck Iran. ", b"\xe2\x80\xae"]),
        st.integers(1, 50_000),
    ),
    # deeply nested markup and JSON
    st.builds(
        _nested,
        st.sampled_from([b"<div>", b"<b><i>", b"<item>", b"<entry><content type='html'>", b"[", b'{"a":']),
        st.sampled_from([b"</div>", b"</i></b>", b"</item>", b"</content></entry>", b"]", b"}"]),
        st.integers(1, 20_000),
    ),
)


def _bounded(fn):
    """Run fn; its result, and the seconds and MiB (traced) it took."""
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        result = fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, time.perf_counter() - t0, peak / 2**20


@settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(suffix=st.sampled_from(SUFFIXES), data=hostile_bytes, max_bytes=st.sampled_from([64, 1_000_000]))
@example(suffix=".csv", data=b'id,text\n1,"' + b"a\n" * 5000, max_bytes=1_000_000)
@example(suffix=".html", data=_nested(b"<div>", b"</div>", 20_000), max_bytes=1_000_000)
@example(suffix=".xml", data=_nested(b"<item>", b"</item>", 20_000), max_bytes=1_000_000)
@example(suffix=".jsonl", data=b"[" * 200_000, max_bytes=1_000_000)
def test_every_reader_gives_items_or_coded_problems_in_bounded_time_and_memory(tmp_path, suffix, data, max_bytes):
    path = tmp_path / f"item{suffix}"
    path.write_bytes(data)
    items, seconds, mib = _bounded(lambda: list(iter_items([path], max_bytes=max_bytes)))
    assert items, "every file yields at least an article or a problem"
    for item in items:
        assert isinstance(item, (RawItem, IngestProblem))
        assert item.source.split("#", 1)[0] == str(path)
        if isinstance(item, IngestProblem):
            assert item.code in CODES and item.message
            assert len(item.message) < 1000  # messages quote input only in part
    assert seconds < MAX_SECONDS, f"{seconds:.1f} s"
    assert mib < MAX_MIB, f"{mib:.1f} MiB"


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=3000),
        st.builds(lambda unit, n: unit * n, st.sampled_from(["a", " ", ".", "AFP/A ", "[AD] ", "Read more: ", "\n", "x\n", "\u2026 ", "Photo: A"]), st.integers(1, 60_000)),
        st.builds(lambda lines: "\n".join(lines), st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=200), max_size=300)),
    )
)
def test_the_cleaner_returns_in_bounded_time_and_memory(body):
    result, seconds, mib = _bounded(lambda: clean(body))
    assert isinstance(result.text, str) and len(result.text) <= len(body)
    assert seconds < MAX_SECONDS, f"{seconds:.1f} s"
    assert mib < MAX_MIB, f"{mib:.1f} MiB"


# --- CSV: the same records as the csv module, and recovery after a stray quote ------------------------

csv_text = st.lists(st.sampled_from(["a", "b", ",", '"', "\n", "\r\n", "\r", " ", "é"]), max_size=60).map("".join)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(csv_text)
@example('a,"b\nc",d\r\n"e""f",g\r')
def test_csv_records_are_the_csv_modules_records(text):
    want = [row for row in csv.reader(io.StringIO(text, newline="")) if row]
    records = list(csv_records(io.BytesIO(text.encode("utf-8")), 10_000))
    if any(r.broken for r in records):
        return  # a quote that swallows lines: csv reads it differently on purpose (see csvfile)
    assert [split_fields(r.data.decode("utf-8")) for r in records] == want


words = st.text(alphabet=st.sampled_from("abcdefghij "), min_size=1, max_size=12).map(lambda w: "w" + w)
field_text = st.one_of(
    words,  # written unquoted
    st.builds(lambda a, b: f"{a}, {b}", words, words),  # quoted: a comma
    st.builds(lambda a, b: f'{a} "{b}"', words, words),  # quoted: quotes
    st.builds(lambda a, b: f"{a}\n{b}", words, words),  # quoted: a newline
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(field_text, min_size=1, max_size=12), st.integers(0, 100), st.sampled_from(["\n", "\r\n"]))
def test_a_stray_quote_loses_its_own_row_only(tmp_path_factory, texts, pick, eol):
    rows = [(f"r{i}", text) for i, text in enumerate(texts)]
    plain = [i for i, (_, text) in enumerate(rows) if text.startswith("w") and "," not in text and '"' not in text and "\n" not in text]
    if not plain:
        return
    bad = plain[pick % len(plain)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=eol)
    writer.writerow(["id", "text"])
    for i, (ident, text) in enumerate(rows):
        if i == bad:
            out.write(f'{ident},"{text}{eol}')  # the stray quote: never closed on its own line
        else:
            writer.writerow([ident, text])
    path = tmp_path_factory.mktemp("csv") / "a.csv"
    path.write_bytes(out.getvalue().encode("utf-8"))
    items = list(iter_items([path]))
    got = [(i.article_id, i.text) for i in items if isinstance(i, RawItem)]
    assert got == [row for i, row in enumerate(rows) if i != bad]
    [problem] = [i for i in items if isinstance(i, IngestProblem)]
    assert problem.code == "E107" and problem.source == f"{path}#row {bad + 1}"
