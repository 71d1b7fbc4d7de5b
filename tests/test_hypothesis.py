"""Property tests: the cleaner, the decoder and the readers never crash on
any input, and the cleaner's record of what it removed is truthful."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sitroom.ingest.clean import RULES, clean
from sitroom.ingest.decode import DecodeFailure, decode_bytes
from sitroom.ingest.readers import FORMATS, iter_items
from sitroom.records import IngestProblem, RawItem

# Lines a scraper leaves behind, real prose, and headline-like lines, so the
# generated articles actually exercise every cleaning rule.
DIRT = [
    "Advertisement",
    "ADVERTISEMENT",
    "[AD]",
    "[Embedded content]",
    "{{ad_slot_2}}",
    "Story continues below advertisement",
    "READ MORE: Iran vows revenge",
    "Read more: Israel strikes Iran",
    "Related: talks in Doha",
    "https://example.com/story/123",
    "Source: https://example.com/a",
    "Follow us on Twitter @wire",
    "Sign up for our morning briefing",
    "Subscribe to our newsletter for free",
    "Photo: Reuters",
    "(Photo by John Smith/AFP via Getty Images)",
    "FILE PHOTO: Troops in Gaza. REUTERS/Ahmed Zakot/File Photo",
    "Reporting by Jane Doe; Editing by Tom Roe",
    "More from World",
    "Most Read",
    "Russia launches drones at Odesa port",
    "China warns Philippines over reef",
    "Ceasefire talks stall in Cairo Download our app",
]
PROSE = [
    "Israel struck Iran on Tuesday, officials said.",
    "The minister said talks would resume next week.",
    "\u201cWe will respond,\u201d the spokesman told reporters.",
    "Troops crossed the border late on Monday. [AD] The operator said the ship was safe.",
    "Egypt urged restraint [Video] on both sides.",
    "",
    "   ",
]
line = st.one_of(
    st.sampled_from(DIRT),
    st.sampled_from(PROSE),
    st.text(max_size=60),
    st.builds(lambda a, b: a + " " + b, st.sampled_from(PROSE + DIRT), st.sampled_from(PROSE + DIRT)),
    st.builds(lambda a, b: a + b, st.sampled_from(DIRT), st.text(max_size=20)),
)
article = st.one_of(
    st.lists(line, max_size=25).map("\n".join),
    st.text(max_size=400),
)


def _stripped_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n")]


@settings(max_examples=200, deadline=None)
@given(article)
@example("Headline\nIsrael struck Iran.\nRussia [AD] launches  drones at port")
@example("Headline\nReal sentence.\nRussia launches drones\n\nReal sentence.\nRussia launches drones")
def test_clean_never_raises_and_removals_are_truthful(body):
    result = clean(body)
    assert isinstance(result.text, str)
    lines = body.split("\n")
    out_lines = Counter(ln.strip() for ln in result.text.split("\n") if ln.strip())
    whole: dict[int, str] = {}
    inline_lines: set[int] = set()
    for r in result.removals:
        assert r.rule in RULES
        assert 1 <= r.line <= len(lines), r
        assert r.text, r
        # What was removed is really there, on the line the removal names.
        assert r.text in lines[r.line - 1], (r, lines[r.line - 1])
        if r.rule == "ad_marker" and r.text != lines[r.line - 1].strip():
            inline_lines.add(r.line)
        else:
            whole[r.line] = r.text
    assert [r.line for r in result.removals] == sorted(r.line for r in result.removals)
    # A line removed as a whole is gone: the output holds it no more often than
    # input lines that were not removed could account for.
    for text in set(whole.values()):
        kept_same = sum(1 for n, s in enumerate(_stripped_lines(body), 1) if s == text and n not in whole)
        rewritten = sum(1 for n in inline_lines if n not in whole)
        assert out_lines[text] <= kept_same + rewritten, (text, result.text)


@settings(max_examples=200, deadline=None)
@given(article)
def test_clean_output_lines_come_from_the_input(body):
    result = clean(body)
    lines = body.split("\n")
    inline = {r.line for r in result.removals if r.rule == "ad_marker"}
    stripped = set(_stripped_lines(body))
    for out in result.text.split("\n"):
        if not out.strip() or out.strip() in stripped:
            continue
        # Only a line that lost inline markers may differ from every input line,
        # and then only by having had characters taken out.
        assert any(_is_subsequence("".join(out.split()), "".join(lines[n - 1].split())) for n in inline), (out, body)


def _is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=600),
        st.builds(lambda b, t: b + t.encode("utf-8"), st.sampled_from([b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b""]), st.text(max_size=80)),
        st.builds(lambda t, enc: t.encode(enc, errors="replace"), st.text(max_size=200), st.sampled_from(["cp1252", "latin-1", "utf-16", "cp1251", "shift_jis"])),
        st.builds(lambda p, b: p + b, st.sampled_from([b"\xff\xfe", b"\xfe\xff"]), st.binary(max_size=50)),
    )
)
@example(b"\xff\xfe\x00\xd8")  # UTF-16 lone surrogate
@example(b"\xff\xfeA")  # odd length UTF-16
@example(b"\x00" * 10)
def test_decode_bytes_returns_text_or_decode_failure(data):
    try:
        text = decode_bytes(data)
    except DecodeFailure as exc:
        assert exc.code in {"E102", "E103", "E104"}
        assert exc.message
    else:
        assert isinstance(text, str)


SAMPLES = {
    "txt": b"Headline\n\nIsrael struck Iran.\n",
    "html": b"<html><head><title>T</title></head><body><p>Israel struck Iran on Tuesday.</p></body></html>",
    "jsonl": b'{"id": "a", "text": "Israel struck Iran.", "published": "2024-04-02"}\n',
    "csv": b'id,text,published\na,"Israel struck Iran.",2024-04-02\n',
    "feed": b'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item><title>x</title>'
    b"<pubDate>Tue, 02 Apr 2024 10:00:00 GMT</pubDate><description>Israel struck Iran.</description></item></channel></rss>",
}
SUFFIXES = sorted(FORMATS)


def _mutate(sample: bytes, cut: int, junk: bytes) -> bytes:
    cut = cut % (len(sample) + 1)
    return sample[:cut] + junk + sample[cut:]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    suffix=st.sampled_from(SUFFIXES),
    data=st.one_of(
        st.binary(max_size=400),
        st.builds(
            _mutate,
            st.sampled_from(list(SAMPLES.values())),
            st.integers(min_value=0, max_value=500),
            st.binary(max_size=40),
        ),
        st.text(max_size=300).map(lambda t: t.encode("utf-8")),
    ),
    max_bytes=st.sampled_from([64, 10_000]),
)
def test_iter_items_never_raises_on_any_bytes(tmp_path, suffix, data, max_bytes):
    path = tmp_path / f"item{suffix}"
    path.write_bytes(data)
    items = list(iter_items([path], max_bytes=max_bytes))
    assert items, "every file yields at least an article or a problem"
    for item in items:
        assert isinstance(item, (RawItem, IngestProblem))
        assert item.source.split("#", 1)[0] == str(path)
        if isinstance(item, IngestProblem):
            assert item.code.startswith("E1") and item.message
