"""Readers: every input format, and every kind of bad input turned into an
IngestProblem that names the file (and line, row or item) while the rest of
the batch still comes through."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from sitroom.ingest.readers import iter_items
from sitroom.records import IngestProblem, RawItem


def read(*paths, **kw) -> list[RawItem | IngestProblem]:
    return list(iter_items([str(p) for p in paths], **kw))


def articles(items) -> list[RawItem]:
    return [i for i in items if isinstance(i, RawItem)]


def problems(items) -> list[IngestProblem]:
    return [i for i in items if isinstance(i, IngestProblem)]


def only_problem(items) -> IngestProblem:
    found = problems(items)
    assert len(found) == 1, found
    return found[0]


def jsonl(path: Path, *records) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), encoding="utf-8")
    return path


GOOD_TEXT = "Israel struck Iran on Tuesday, officials said."


# --- plain text -----------------------------------------------------------------------------


def test_txt_id_is_file_stem_and_headline_becomes_title(tmp_path):
    p = tmp_path / "iran-talks_2024.txt"
    p.write_text("Iran and Israel trade threats\n\nIran warned Israel on Tuesday.\nIsrael said it would respond.\n")
    [item] = read(p)
    assert isinstance(item, RawItem)
    assert item.article_id == "iran-talks_2024"
    assert item.fmt == "txt"
    assert item.source == str(p)
    assert item.title == "Iran and Israel trade threats"
    assert item.text.startswith("Iran warned Israel on Tuesday.")
    assert "trade threats" not in item.text
    assert "Israel said it would respond." in item.text


@pytest.mark.parametrize(
    "first_line",
    [
        "Iran warned Israel on Tuesday that it would respond.",  # a sentence, not a headline
        "GENEVA, April 2 (Reuters) - Iran said on Tuesday it would return to talks",  # dateline
        "TEHRAN, April 2 - Iran said it would return to talks",  # dateline without agency
    ],
)
def test_txt_first_line_that_is_prose_or_dateline_is_not_a_title(tmp_path, first_line):
    p = tmp_path / "a.txt"
    p.write_text(first_line + "\nOfficials gave no further details.\n")
    [item] = read(p)
    assert isinstance(item, RawItem)
    assert item.title is None
    assert item.text.startswith(first_line)
    assert "Officials gave no further details." in item.text


def test_txt_single_line_is_body_not_title(tmp_path):
    p = tmp_path / "one.txt"
    p.write_text("Iran warns Israel")
    [item] = read(p)
    assert item.title is None
    assert item.text == "Iran warns Israel"


def test_txt_crlf_newlines_normalised(tmp_path):
    p = tmp_path / "crlf.txt"
    p.write_bytes(b"Headline words here\r\n\r\nFirst paragraph.\r\nSecond paragraph.\r\n")
    [item] = read(p)
    assert item.title == "Headline words here"
    assert "\r" not in item.text
    assert item.text.startswith("First paragraph.\nSecond paragraph.")


# --- legacy encodings ---------------------------------------------------------------------------


def test_cp1252_curly_quotes_decode(tmp_path):
    text = (
        "The minister said the \u201cred line\u201d had been crossed and that Tehran\u2019s response "
        "would be \u2018firm\u2019 \u2013 officials in Geneva agreed.\n"
    )
    p = tmp_path / "cp.txt"
    p.write_bytes(text.encode("cp1252"))
    [item] = read(p)
    assert isinstance(item, RawItem)
    assert item.text == text


def test_cp1252_western_european_letters_decode(tmp_path):
    # The most common legacy encoding of English news; accented names must survive.
    text = (
        "Brazil\u2019s foreign minister said in S\u00e3o Paulo on Tuesday that the \u201ctalks\u201d with "
        "Mexico\u2019s envoy, Enrique Pe\u00f1a, had gone well. \u201cWe are not na\u00efve,\u201d he told "
        "reporters \u2013 adding that Bogot\u00e1 would host the next round.\n"
    )
    p = tmp_path / "cp.txt"
    p.write_bytes(text.encode("cp1252"))
    [item] = read(p)
    assert isinstance(item, RawItem)
    assert item.text == text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_bom_encodings_decode(tmp_path, encoding):
    body = "The body says caf\u00e9 and \u201cquotes\u201d.\n"
    raw = "Headline here\n\n" + body
    data = raw.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    p = tmp_path / "u.txt"
    p.write_bytes(data)
    [item] = read(p)
    assert isinstance(item, RawItem)
    assert item.title == "Headline here"
    assert item.text == body
    assert "\ufeff" not in item.text


# --- HTML ------------------------------------------------------------------------------------


ARTICLE_HTML = """<!DOCTYPE html>
<html><head><title>Troops cross border</title>
<script>var tracking = "SCRIPT_IN_HEAD";</script>
<style>.x { color: red } /* STYLE_TEXT */</style>
</head>
<body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Troops cross border</h1>
<p>Soldiers from the northern army crossed the border on Tuesday morning, officials said in a statement to reporters.</p>
<script>document.write("SCRIPT_IN_BODY");</script>
<p>The government condemned the move and called for an emergency meeting of the security council later this week.</p>
</article>
</body></html>
"""


def test_html_title_and_text(tmp_path):
    p = tmp_path / "border.html"
    p.write_text(ARTICLE_HTML)
    [item] = read(p)
    assert isinstance(item, RawItem)
    assert item.fmt == "html"
    assert item.article_id == "border"
    assert item.title == "Troops cross border"
    assert "Soldiers from the northern army crossed the border" in item.text
    assert "emergency meeting of the security council" in item.text
    assert not item.text.startswith("Troops cross border")  # the title is not repeated in the body


def test_html_script_and_style_never_reach_text(tmp_path):
    p = tmp_path / "border.htm"
    p.write_text(ARTICLE_HTML)
    [item] = read(p)
    for junk in ("SCRIPT_IN_HEAD", "SCRIPT_IN_BODY", "document.write", "STYLE_TEXT", "tracking"):
        assert junk not in item.text
        assert junk not in (item.title or "")


def test_html_metadata_url_outlet_published(tmp_path):
    page = ARTICLE_HTML.replace(
        "<title>Troops cross border</title>",
        '<title>Troops cross border</title><meta property="og:site_name" content="Daily Wire Service">'
        '<meta property="article:published_time" content="2024-04-02T08:00:00Z">'
        '<link rel="canonical" href="https://daily.example/border">',
    )
    p = tmp_path / "meta.html"
    p.write_text(page)
    [item] = read(p)
    assert item.outlet == "Daily Wire Service"
    assert item.published == date(2024, 4, 2)
    assert item.url == "https://daily.example/border"


def test_html_without_text_is_e113(tmp_path):
    bad = tmp_path / "a_empty.html"
    bad.write_text("<html><head><script>var x = 1;</script></head><body><div></div></body></html>")
    good = tmp_path / "b_good.html"
    good.write_text(ARTICLE_HTML)
    items = read(bad, good)
    prob = only_problem(items)
    assert prob.code == "E113"
    assert prob.source == str(bad)
    assert prob.failure
    assert [a.article_id for a in articles(items)] == ["b_good"]


# --- JSON Lines ---------------------------------------------------------------------------------


def test_jsonl_all_fields(tmp_path):
    p = jsonl(
        tmp_path / "feed.jsonl",
        {
            "id": "art-1",
            "title": "Strikes on Iran",
            "text": GOOD_TEXT,
            "url": "https://example.org/a1",
            "outlet": "Example News",
            "published": "2024-04-02",
        },
        {"id": "art-2", "text": "Iran condemned Israel.", "published": "2024-04-03T22:15:00Z"},
    )
    first, second = read(p)
    assert first == RawItem(
        source=f"{p}#line 1",
        fmt="jsonl",
        text=GOOD_TEXT,
        article_id="art-1",
        title="Strikes on Iran",
        url="https://example.org/a1",
        outlet="Example News",
        published=date(2024, 4, 2),
    )
    assert second.article_id == "art-2"
    assert second.source == f"{p}#line 2"
    assert second.published == date(2024, 4, 3)
    assert second.title is None and second.url is None and second.outlet is None


def test_jsonl_record_without_id_gets_stable_content_id(tmp_path):
    p = jsonl(tmp_path / "a.jsonl", {"text": GOOD_TEXT}, {"text": GOOD_TEXT}, {"text": "Something else entirely."})
    a, b, c = read(p)
    assert a.article_id and a.article_id == b.article_id
    assert c.article_id != a.article_id


def test_jsonl_blank_lines_skipped_and_line_numbers_kept(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_text("\n" + json.dumps({"id": "x", "text": "t"}) + "\n\n" + "{oops\n")
    items = read(p)
    assert [a.article_id for a in articles(items)] == ["x"]
    assert articles(items)[0].source == f"{p}#line 2"
    assert only_problem(items).source == f"{p}#line 4"


def test_jsonl_malformed_line_is_e106_with_line_number(tmp_path):
    p = jsonl(tmp_path / "a.jsonl", {"id": "a", "text": "one"}, '{"id": "b", "text": ', {"id": "c", "text": "three"})
    items = read(p)
    prob = only_problem(items)
    assert prob.code == "E106"
    assert prob.source == f"{p}#line 2"
    assert str(p) in str(prob) and "line 2" in str(prob)
    assert [a.article_id for a in articles(items)] == ["a", "c"]


@pytest.mark.parametrize("value", ["[1, 2]", '"just a string"', "42", "null"])
def test_jsonl_line_not_an_object(tmp_path, value):
    p = jsonl(tmp_path / "a.jsonl", value, {"id": "ok", "text": "fine"})
    items = read(p)
    prob = only_problem(items)
    assert prob.code == "E106"
    assert prob.source == f"{p}#line 1"
    assert [a.article_id for a in articles(items)] == ["ok"]


def test_jsonl_deeply_nested_line_is_a_problem_not_a_crash(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_text("[" * 200_000 + "\n" + json.dumps({"id": "ok", "text": "fine"}) + "\n")
    items = read(p)
    prob = only_problem(items)
    assert prob.code == "E106"
    assert prob.source == f"{p}#line 1"
    assert [a.article_id for a in articles(items)] == ["ok"]


@pytest.mark.parametrize("record", [{"id": "t"}, {"id": "t", "text": ""}, {"id": "t", "text": "   \n "}, {"id": "t", "text": 5}])
def test_record_without_text_is_e109(tmp_path, record):
    p = jsonl(tmp_path / "a.jsonl", record, {"id": "ok", "text": "fine"})
    items = read(p)
    prob = only_problem(items)
    assert prob.code == "E109"
    assert prob.source == f"{p}#line 1"
    assert [a.article_id for a in articles(items)] == ["ok"]


@pytest.mark.parametrize("published", ["yesterday", "2024-13-45", "02/04/2024"])
def test_bad_published_is_e112(tmp_path, published):
    p = jsonl(tmp_path / "a.jsonl", {"id": "ok", "text": "fine"}, {"id": "bad", "text": "t", "published": published})
    items = read(p)
    prob = only_problem(items)
    assert prob.code == "E112"
    assert prob.source == f"{p}#line 2"
    assert published in prob.message
    assert [a.article_id for a in articles(items)] == ["ok"]


def test_jsonl_field_of_wrong_type_is_e106(tmp_path):
    p = jsonl(tmp_path / "a.jsonl", {"id": "x", "text": "t", "title": ["a", "list"]}, {"id": "ok", "text": "fine"})
    items = read(p)
    prob = only_problem(items)
    assert prob.code == "E106" and "title" in prob.message
    assert [a.article_id for a in articles(items)] == ["ok"]


def test_jsonl_oversized_line_is_e105_and_next_line_read(tmp_path):
    p = jsonl(
        tmp_path / "a.jsonl",
        {"id": "small1", "text": "short"},
        {"id": "big", "text": "x" * 5000},
        {"id": "small2", "text": "also short"},
    )
    items = read(p, max_bytes=200)
    prob = only_problem(items)
    assert prob.code == "E105"
    assert prob.source == f"{p}#line 2"
    assert [a.article_id for a in articles(items)] == ["small1", "small2"]
    assert articles(items)[1].source == f"{p}#line 3"


def test_jsonl_invalid_utf8_line_is_e104_and_rest_read(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_bytes(b'{"id": "a", "text": "caf\xe9"}\n' + json.dumps({"id": "b", "text": "fine"}).encode() + b"\n")
    items = read(p)
    prob = only_problem(items)
    assert prob.code == "E104"
    assert prob.source == f"{p}#line 1"
    assert [a.article_id for a in articles(items)] == ["b"]


def test_jsonl_utf8_bom_accepted(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "a", "text": "fine"}).encode() + b"\n")
    [item] = read(p)
    assert isinstance(item, RawItem) and item.article_id == "a"


# --- CSV -------------------------------------------------------------------------------------------


def test_csv_quoted_fields_with_commas_quotes_and_newlines(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text(
        "id,title,text,url,outlet,published\r\n"
        'c1,"Strikes, and more","He said ""no"", then\nleft, quickly.",https://e.org/1,"Wire, Inc",2024-04-02\r\n'
        "c2,Plain,Plain text.,,,\r\n",
        encoding="utf-8",
        newline="",
    )
    first, second = read(p)
    assert first == RawItem(
        source=f"{p}#row 1",
        fmt="csv",
        text='He said "no", then\nleft, quickly.',
        article_id="c1",
        title="Strikes, and more",
        url="https://e.org/1",
        outlet="Wire, Inc",
        published=date(2024, 4, 2),
    )
    assert second.source == f"{p}#row 2"
    assert second.article_id == "c2" and second.text == "Plain text."
    assert second.url is None and second.outlet is None and second.published is None


def test_csv_only_text_column_needed_and_bom_accepted(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes(b"\xef\xbb\xbftext\nIran condemned Israel.\n")
    [item] = read(p)
    assert isinstance(item, RawItem)
    assert item.text == "Iran condemned Israel."
    assert item.article_id  # a content id


def test_csv_without_text_column_is_e107(tmp_path):
    bad = tmp_path / "a.csv"
    bad.write_text("id,body\n1,Israel struck Iran.\n")
    good = jsonl(tmp_path / "b.jsonl", {"id": "ok", "text": "fine"})
    items = read(bad, good)
    prob = only_problem(items)
    assert prob.code == "E107"
    assert prob.source == str(bad)
    assert "text" in prob.message
    assert [a.article_id for a in articles(items)] == ["ok"]


def test_csv_row_with_too_many_fields(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("id,text\nr1,first\nr2,second,unexpected\nr3,third\n")
    items = read(p)
    prob = only_problem(items)
    assert prob.code == "E107"
    assert prob.source == f"{p}#row 2"
    assert [a.article_id for a in articles(items)] == ["r1", "r3"]


def test_csv_row_without_text_is_e109(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("id,text\nr1,\nr2,second\n")
    items = read(p)
    prob = only_problem(items)
    assert prob.code == "E109"
    assert prob.source == f"{p}#row 1"
    assert [a.article_id for a in articles(items)] == ["r2"]


def test_csv_oversized_record_is_e105_and_next_rows_read(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text('id,text\nr1,short\nr2,"' + "x" * 5000 + '"\nr3,third\n')
    items = read(p, max_bytes=200)
    prob = only_problem(items)
    assert prob.code == "E105"
    assert prob.source == f"{p}#row 2"
    assert [a.article_id for a in articles(items)] == ["r1", "r3"]


def test_csv_not_utf8_is_e104(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes("id,text\n1,Caf\u00e9 talks collapse.\n".encode("cp1252"))
    prob = only_problem(read(p))
    assert prob.code == "E104"
    assert prob.source.startswith(str(p))


# --- feeds ---------------------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>World Wire</title><link>https://wire.example/</link><description>News</description>
<item><title>Strike on Iran</title><link>https://wire.example/1</link><guid>https://wire.example/1</guid>
<pubDate>Tue, 02 Apr 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Israel struck Iran.&lt;/p&gt;&lt;script&gt;alert("FEED_SCRIPT")&lt;/script&gt;&lt;p&gt;Tehran vowed to respond.&lt;/p&gt;</description></item>
<item><title>Condemnation</title><link>https://wire.example/2</link>
<pubDate>Wed, 03 Apr 2024 08:30:00 +0000</pubDate>
<description>Iran condemned Israel.</description></item>
<item><title>Empty</title><link>https://wire.example/3</link><description></description></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom Daily</title><id>urn:atom-daily</id><updated>2024-04-06T00:00:00Z</updated>
<entry><title>Talks in Doha</title><id>urn:a1</id><link href="https://atom.example/1"/>
<published>2024-04-04T09:00:00Z</published><updated>2024-04-05T00:00:00Z</updated>
<content type="html">&lt;p&gt;Qatar hosted talks.&lt;/p&gt;</content></entry>
<entry><title>Second</title><id>urn:a2</id><link href="https://atom.example/2"/>
<updated>2024-04-06T00:00:00Z</updated><summary>Egypt urged calm.</summary></entry>
</feed>
"""


def test_rss_one_item_per_article(tmp_path):
    p = tmp_path / "wire.rss"
    p.write_text(RSS)
    items = read(p)
    first, second = articles(items)
    assert first.fmt == "feed"
    assert first.source == f"{p}#item 1"
    assert first.outlet == "World Wire"
    assert first.title == "Strike on Iran"
    assert first.url == "https://wire.example/1"
    assert first.published == date(2024, 4, 2)
    assert "Israel struck Iran." in first.text and "Tehran vowed to respond." in first.text
    assert "FEED_SCRIPT" not in first.text and "<p>" not in first.text
    assert second.source == f"{p}#item 2"
    assert second.outlet == "World Wire"
    assert second.published == date(2024, 4, 3)
    assert second.text == "Iran condemned Israel."
    assert first.article_id != second.article_id
    # The item with no text is reported, naming the item.
    prob = only_problem(items)
    assert prob.code == "E109"
    assert prob.source == f"{p}#item 3"


def test_atom_feed(tmp_path):
    p = tmp_path / "daily.atom"
    p.write_text(ATOM)
    first, second = read(p)
    assert first.outlet == second.outlet == "Atom Daily"
    assert first.article_id == "urn:a1"
    assert first.title == "Talks in Doha"
    assert first.text == "Qatar hosted talks."
    assert first.url == "https://atom.example/1"
    assert first.published == date(2024, 4, 4)  # published wins over updated
    assert second.text == "Egypt urged calm."
    assert second.published == date(2024, 4, 6)
    assert second.source == f"{p}#item 2"


def test_xml_suffix_is_read_as_feed(tmp_path):
    p = tmp_path / "wire.xml"
    p.write_text(RSS)
    assert len(articles(read(p))) == 2


@pytest.mark.parametrize(
    "content",
    [
        "this is not xml at all, just words",
        "<?xml version='1.0'?><catalog><book>not a feed</book></catalog>",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Empty</title></channel></rss>',
    ],
)
def test_malformed_feed_is_e108(tmp_path, content):
    bad = tmp_path / "a.rss"
    bad.write_text(content)
    good = tmp_path / "b.rss"
    good.write_text(RSS)
    items = read(bad, good)
    bad_problems = [p for p in problems(items) if p.source.startswith(str(bad))]
    assert [p.code for p in bad_problems] == ["E108"]
    assert bad_problems[0].source == str(bad)
    assert len(articles(items)) == 2


# --- folders ------------------------------------------------------------------------------------------


def test_directory_read_recursively_in_sorted_order(tmp_path):
    root = tmp_path / "corpus"
    # Created out of order on purpose; each folder's files sort before its subfolders.
    for rel in ("c/sub/deep.txt", "a2.txt", "b/y2.txt", "a1.txt", "b/y1.txt", "c/a.txt"):
        f = root / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(f"Text of {rel}.\n")
    items = read(root)
    assert all(isinstance(i, RawItem) for i in items)
    assert [Path(i.source).relative_to(root).as_posix() for i in items] == [
        "a1.txt",
        "a2.txt",
        "b/y1.txt",
        "b/y2.txt",
        "c/a.txt",
        "c/sub/deep.txt",
    ]
    # Reading again gives the same order.
    assert [i.source for i in read(root)] == [i.source for i in items]


def test_directory_skips_hidden_files_and_folders(tmp_path):
    root = tmp_path / "corpus"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "notes.txt").write_text("hidden folder text\n")
    (root / ".draft.txt").write_text("hidden file text\n")
    (root / "real.txt").write_text("Real text.\n")
    items = read(root)
    assert [i.source for i in items] == [str(root / "real.txt")]


def test_directory_readme_reported_but_not_a_failure(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "README.md").write_text("# My corpus\n")
    (root / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (root / "story.txt").write_text("Iran condemned Israel.\n")
    items = read(root)
    skipped = problems(items)
    assert {Path(p.source).name for p in skipped} == {"README.md", "photo.jpg"}
    assert all(p.code == "E111" and p.failure is False for p in skipped)
    assert [a.article_id for a in articles(items)] == ["story"]


# --- bad paths and files -------------------------------------------------------------------------------


def test_missing_path_is_e114_and_batch_goes_on(tmp_path):
    missing = tmp_path / "nope" / "gone.txt"
    good = tmp_path / "good.txt"
    good.write_text(GOOD_TEXT)
    items = read(missing, good)
    prob = only_problem(items)
    assert prob.code == "E114"
    assert prob.source == str(missing)
    assert prob.failure
    assert [a.article_id for a in articles(items)] == ["good"]


@pytest.mark.parametrize("name", ["report.pdf", "notes.md", "noextension"])
def test_explicit_unsupported_file_is_e111_failure(tmp_path, name):
    p = tmp_path / name
    p.write_text("Israel struck Iran.")
    prob = only_problem(read(p))
    assert prob.code == "E111"
    assert prob.source == str(p)
    assert prob.failure is True


def test_suffix_is_case_insensitive(tmp_path):
    p = tmp_path / "LOUD.TXT"
    p.write_text(GOOD_TEXT)
    [item] = read(p)
    assert isinstance(item, RawItem) and item.article_id == "LOUD"


@pytest.mark.parametrize("suffix", [".txt", ".html"])
def test_binary_file_is_e102(tmp_path, suffix):
    bad = tmp_path / f"a{suffix}"
    bad.write_bytes(b"PK\x03\x04\x00\x00\x08\x00binary\x00\x00stuff" * 20)
    good = tmp_path / "b.txt"
    good.write_text(GOOD_TEXT)
    items = read(bad, good)
    prob = only_problem(items)
    assert prob.code == "E102"
    assert prob.source == str(bad)
    assert len(articles(items)) == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [("a.txt", b""), ("a.txt", b"  \n\n \t"), ("a.html", b""), ("a.jsonl", b""), ("a.jsonl", b"\n\n"), ("a.csv", b""), ("a.rss", b"")],
)
def test_empty_file_is_e103(tmp_path, name, content):
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "z.txt"
    good.write_text(GOOD_TEXT)
    items = read(bad, good)
    prob = only_problem(items)
    assert prob.code == "E103"
    assert prob.source == str(bad)
    assert len(articles(items)) == 1


def test_csv_with_header_but_no_rows_is_e103(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("id,text\n")
    prob = only_problem(read(p))
    assert prob.code == "E103" and prob.source == str(p)


def test_undecodable_bytes_is_e104(tmp_path):
    bad = tmp_path / "a.txt"
    # High bytes in every order: not UTF-8, and no single-byte encoding makes text of them.
    bad.write_bytes(bytes(range(0x80, 0x100)) * 4)
    good = tmp_path / "b.txt"
    good.write_text(GOOD_TEXT)
    items = read(bad, good)
    prob = only_problem(items)
    assert prob.code == "E104"
    assert prob.source == str(bad)
    assert len(articles(items)) == 1


def test_broken_utf16_is_e104(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"\xff\xfe" + "Hello".encode("utf-16-le") + b"\x00\xd8")  # lone surrogate at the end
    prob = only_problem(read(p))
    assert prob.code == "E104" and prob.source == str(p)


@pytest.mark.parametrize("suffix", [".txt", ".html", ".rss"])
def test_oversized_file_is_e105(tmp_path, suffix):
    bad = tmp_path / f"a{suffix}"
    bad.write_text("Israel struck Iran. " * 100)
    good = tmp_path / "b.txt"
    good.write_text(GOOD_TEXT)
    items = read(bad, good, max_bytes=500)
    prob = only_problem(items)
    assert prob.code == "E105"
    assert prob.source == str(bad)
    assert "500" in prob.message
    assert [a.article_id for a in articles(items)] == ["b"]


def test_problem_str_names_source_and_code(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"")
    prob = only_problem(read(p))
    assert str(prob).startswith(f"{p}: [E103] ")


def test_mixed_batch_all_good_items_come_through(tmp_path):
    (tmp_path / "1.txt").write_bytes(b"\x00\x01\x02binary")
    jsonl(tmp_path / "2.jsonl", {"id": "j1", "text": "one"}, "{bad", {"id": "j3", "text": "three"})
    (tmp_path / "3.csv").write_text("id,text\nc1,uno\nc2,dos,extra\n")
    (tmp_path / "4.rss").write_text(RSS)
    (tmp_path / "5.txt").write_text("Plain file.\n")
    items = read(tmp_path, tmp_path / "missing.txt")
    assert sorted(p.code for p in problems(items)) == ["E102", "E106", "E107", "E109", "E114"]
    assert [a.article_id for a in articles(items)][:3] == ["j1", "j3", "c1"]
    assert len(articles(items)) == 6
