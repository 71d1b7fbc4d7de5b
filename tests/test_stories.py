"""Story events: one real-world act, many reports.

After ``sitroom ingest`` Sitroom finds wire copies (MinHash over article
bodies), merges every event mention into a story event with a persistent id
("S000001", ...), consensus fields and disagreement flags, and builds the
threat ledger, escalation timelines, alerts and the actor network from the
stories. These tests protect what a user of those tables relies on:

- the pure merger, consensus and copy finder (hand-built records, no spaCy);
- the story stage end to end through the store, with the production coder;
- incremental runs keeping story ids;
- the ledger, timeline, alerts and network views;
- the CLI commands and the ``sitroom.open`` notebook API;
- the schema migration and ``sitroom stories --rebuild``.

The coded corpus is small, inline and built once per module.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from typer.testing import CliRunner

import sitroom
import sitroom.pipeline
from sitroom.cli import app
from sitroom.pipeline import IngestOptions
from sitroom.records import ActorRef, Location
from sitroom.store import SCHEMA_VERSION, Store
from sitroom.stories import ledger
from sitroom.stories.consensus import evidence_weight, summarise
from sitroom.stories.copies import CopyFinder, signature
from sitroom.stories.merge import Merger
from sitroom.stories.model import Mention, Story
from sitroom.stories.network import network, write_network
from sitroom.stories.timeline import alerts, parse_dyad, timeline
from sitroom.stories.update import update_stories

runner = CliRunner()

# --- helpers -------------------------------------------------------------------------------------

NAMES = {"IRN": "Iran", "ISR": "Israel", "LBN": "Lebanon", "SAU": "Saudi Arabia"}


def ref(country: str, sector: str = "") -> ActorRef:
    return ActorRef(NAMES.get(country, country), NAMES.get(country, country), country, sector)


def mention(
    event_id: str,
    article_id: str,
    day: date | None,
    *,
    actor: str | None = "IRN",
    recipient: str | None = "ISR",
    event_type: str = "ASSAULT",
    modality: str = "asserted",
    precision: str = "day",
    published: date | None = None,
    **kw,
) -> Mention:
    """A hand-built mention: by default Iran assaulted Israel on ``day``, reported that day."""
    return Mention(
        event_id=event_id,
        article_id=article_id,
        sentence_index=kw.pop("sentence_index", 0),
        outlet=kw.pop("outlet", f"outlet-{article_id}"),
        published=published or day,
        event_type=event_type,
        cameo_code=kw.pop("cameo_code", "190"),
        quad_class=kw.pop("quad_class", 4),
        intensity=kw.pop("intensity", -10.0),
        actor=(ref(actor),) if actor else (),
        recipient=(ref(recipient),) if recipient else (),
        modality=modality,
        event_date=day,
        date_precision=precision,
        **kw,
    )


def article(aid: str, published: str, text: str, *, outlet: str = "Wire A", title: str | None = None) -> dict:
    return {
        "id": aid,
        "title": title or f"Headline of {aid}",
        "outlet": outlet,
        "url": f"https://news.example/{aid}",
        "published": published,
        "text": text,
    }


def write_jsonl(path: Path, articles: list[dict]) -> Path:
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    return path


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def flat(text: str) -> str:
    """Output with Rich's line wrapping undone."""
    return " ".join(text.split())


D = date(2024, 10, 26)  # a Saturday

# --- the coded corpus ------------------------------------------------------------------------------
# Article ids sort in publication order within a day, so the original of a wire
# copy is always checked first.

STRIKE_BODY = "Israel struck military sites in Iran on Saturday, the Israeli military said."
LEBANON_BODY = "Israel struck Hezbollah targets in Lebanon on Monday. The Israeli military gave no further details."

ISR_IRN_ORIGINAL = article("a-orig", "2024-10-26", STRIKE_BODY, outlet="Wire A", title="Israel strikes Iran")
ISR_IRN_COPY = article("b-copy", "2024-10-26", STRIKE_BODY, outlet="Paper B", title="Israeli jets hit Iranian bases")
ISR_IRN_INDEPENDENT = article(
    "c-indep", "2024-10-26", "Israeli warplanes attacked Iran on Saturday, hitting targets in several provinces.",
    outlet="Paper C",
)  # fmt: skip
LEBANON_ORIGINAL = article("d-leb", "2024-10-14", LEBANON_BODY, outlet="Wire A")
LEBANON_COPY = article("e-leb-copy", "2024-10-14", LEBANON_BODY, outlet="Paper B", title="Lebanon targets hit")
THREAT_ISR = article(
    "f-threat", "2024-10-06", "Iran threatened on Sunday to strike Israel. Officials in Tehran gave no timetable.",
)  # fmt: skip
MISSILES = article(
    "g-missiles", "2024-10-09", "Iran fired about 180 ballistic missiles at Israel on Tuesday.", outlet="Paper C"
)
THREAT_SAU = article(
    "h-threat-sau", "2024-10-06",
    "Iran threatened on Sunday to strike Saudi Arabia if the kingdom let its airspace be used, a senior adviser said.",
    outlet="Paper B",
)  # fmt: skip

CORPUS = [
    ISR_IRN_ORIGINAL, ISR_IRN_COPY, ISR_IRN_INDEPENDENT, LEBANON_ORIGINAL, LEBANON_COPY, THREAT_ISR, MISSILES, THREAT_SAU,
]  # fmt: skip


def ingest(pipeline, store: Store, path: Path):
    report = pipeline.ingest([path], store, IngestOptions())
    assert report.failed == 0, report.problems
    return update_stories(store)


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory, pipeline) -> Path:
    """A store file holding the coded corpus and its stories (closed; open it read-only)."""
    root = tmp_path_factory.mktemp("stories")
    path = root / "room.duckdb"
    with Store(path) as store:
        ingest(pipeline, store, write_jsonl(root / "corpus.jsonl", CORPUS))
    return path


@pytest.fixture(scope="module")
def corpus(corpus_db):
    """A read-only store on the corpus, with its public stories."""
    store = Store(corpus_db, read_only=True)
    yield store
    store.close()


def stories_by(store: Store, event_type: str, actor: str, recipient: str) -> list[dict]:
    return [
        s for s in store.public_stories()
        if s["event_type"] == event_type
        and actor in {a["country"] for a in s["actor"]}
        and recipient in {r["country"] for r in s["recipient"]}
    ]  # fmt: skip


def one_story(store: Store, event_type: str, actor: str, recipient: str) -> dict:
    found = stories_by(store, event_type, actor, recipient)
    assert len(found) == 1, [(s["story_id"], s["event_date"], [m["sentence"] for m in s["mentions"]]) for s in found]
    return found[0]


# === 1. the merger ==================================================================================


def test_same_act_from_two_articles_is_one_story():
    """Two outlets reporting Iran's strike on Israel the same day are one story event."""
    merger = Merger()
    first = merger.assign(mention("e1", "art1", D))
    second = merger.assign(mention("e2", "art2", D))
    assert first == ("S000001", True)
    assert second == ("S000001", False)
    assert merger.stories["S000001"].n_mentions == 2


def test_reports_a_day_apart_within_tolerance_merge():
    """Outlets that disagree on the day by one (time zones, late reports) still report one act."""
    merger = Merger(tolerance_days=1)
    sid, _ = merger.assign(mention("e1", "art1", D))
    assert merger.assign(mention("e2", "art2", D + timedelta(days=1))) == (sid, False)


def test_reports_a_week_apart_are_two_stories():
    """A strike a week later is another strike, not another report of the first."""
    merger = Merger(tolerance_days=1)
    first, _ = merger.assign(mention("e1", "art1", D))
    second, created = merger.assign(mention("e2", "art2", D + timedelta(days=7)))
    assert created and second != first
    assert len(merger.stories) == 2


def test_reversed_dyad_is_another_story():
    """Iran striking Israel and Israel striking Iran on one day are two acts."""
    merger = Merger()
    first, _ = merger.assign(mention("e1", "art1", D, actor="IRN", recipient="ISR"))
    second, created = merger.assign(mention("e2", "art2", D, actor="ISR", recipient="IRN"))
    assert created and second != first


def test_planned_act_is_not_merged_with_the_asserted_one():
    """'Iran plans to strike' is a statement of its own, not a report of the strike."""
    merger = Merger()
    first, _ = merger.assign(mention("e1", "art1", D))
    second, created = merger.assign(mention("e2", "art2", D, modality="planned"))
    assert created and second != first


def test_denial_is_merged_with_the_assertion():
    """A denial of the strike and a report of it are reports of the same event (they disagree on modality)."""
    merger = Merger()
    first, _ = merger.assign(mention("e1", "art1", D))
    assert merger.assign(mention("e2", "art2", D, modality="denied")) == (first, False)


def test_undated_reference_joins_the_earlier_story():
    """'in retaliation for Iran's attack', published weeks later with no date of its own,
    names the earlier attack: it joins that story instead of inventing a new one."""
    merger = Merger()
    sid, _ = merger.assign(mention("e1", "art1", D))
    later = D + timedelta(days=20)
    ref_mention = mention("e2", "art2", later, precision="publication", published=later, reference=True)
    assert merger.assign(ref_mention) == (sid, False)
    assert len(merger.stories) == 1
    # the earlier story's date is not dragged to the reference's publication day
    assert merger.stories[sid].lo <= D <= merger.stories[sid].hi


def test_undated_mention_weeks_later_without_reference_is_a_new_story():
    """The same undated mention, when nothing names it as a reference, is not glued to an old story."""
    merger = Merger()
    sid, _ = merger.assign(mention("e1", "art1", D))
    later = D + timedelta(days=20)
    other, created = merger.assign(mention("e2", "art2", later, precision="publication", published=later))
    assert created and other != sid


def test_merger_from_stored_stories_extends_them_and_numbers_after_them():
    """An incremental run: a new report of a stored story keeps its id; a new act gets the next id."""
    stored = Story("S000007", "ASSAULT", "asserted", actors={"IRN"}, recipients={"ISR"}, lo=D, hi=D, n_mentions=3)
    merger = Merger([stored], next_seq=8)
    assert merger.assign(mention("e1", "art9", D)) == ("S000007", False)
    assert merger.stories["S000007"].n_mentions == 4
    assert merger.assign(mention("e2", "art9", D, actor="ISR", recipient="IRN")) == ("S000008", True)
    assert merger.next_seq == 9


# === 2. consensus ===================================================================================


def test_different_death_tolls_are_flagged_as_disputed():
    """Independent reports of 6 and 11 dead: the story says which figure and flags 'dead'."""
    summary = summarise("S000001", [mention("e1", "a", D, dead=6), mention("e2", "b", D, dead=11)])
    assert "dead" in summary.disagreements
    assert summary.dead == 11  # a tie goes to the larger toll
    assert (summary.n_independent, summary.weight) == (2, 0.75)



@pytest.mark.parametrize("seed", ["1", "2", "3"])
def test_consensus_ties_are_broken_the_same_way_on_every_run(seed):
    """A tie between independent reports goes to the first one given, whatever the
    interpreter's hash seed: the same store never gets different stories."""
    import subprocess
    import sys

    code = (
        "from datetime import date\n"
        "from sitroom.records import ActorRef\n"
        "from sitroom.stories.consensus import summarise\n"
        "from sitroom.stories.model import Mention\n"
        "d = date(2024, 4, 18)\n"
        "def m(i, actors, cameo):\n"
        "    return Mention(i, 'a' + i, 0, 'o' + i, d, 'SANCTION', cameo, 4, -8.0,\n"
        "                   tuple(ActorRef(c, c, c, '') for c in actors), (ActorRef('Iran', 'Iran', 'IRN', ''),),\n"
        "                   event_date=d, date_precision='day')\n"
        "s = summarise('S1', [m('1', ['GBR'], '163'), m('2', ['GBR', 'USA'], '162')])\n"
        "print([a.country for a in s.actor], s.cameo_code)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONHASHSEED": seed}, check=True)
    assert out.stdout.strip() == "['GBR'] 163"

def test_agreeing_reports_are_not_disputed():
    """Reports that give the same toll, day and place carry no disagreement flag."""
    where = Location("Tehran", "IRN")
    summary = summarise(
        "S000001", [mention("e1", "a", D, dead=6, location=where), mention("e2", "b", D, dead=6, location=where)]
    )
    assert summary.disagreements == ()
    assert (summary.dead, summary.event_date, summary.location) == (6, D, where)


def test_wire_copies_cast_one_vote():
    """Two reprints of one wire story saying 6 dead do not outvote one independent report of 11:
    each figure has one vote, the tie goes to the larger, and the copies count as one source."""
    mentions = [
        mention("e1", "wire", D, dead=6),
        mention("e2", "reprint1", D, dead=6, copy_of="wire"),
        mention("e3", "reprint2", D, dead=6, copy_of="wire"),
        mention("e4", "indep", D, dead=11),
    ]
    summary = summarise("S000001", mentions)
    assert summary.dead == 11
    assert "dead" in summary.disagreements
    assert (summary.n_mentions, summary.n_articles, summary.n_independent) == (4, 4, 2)
    assert summary.weight == evidence_weight(2) == 0.75


def test_copies_alone_are_one_source():
    """An original and its copies give the story the weight of one source."""
    summary = summarise("S000001", [mention("e1", "wire", D), mention("e2", "reprint", D, copy_of="wire")])
    assert (summary.n_articles, summary.n_independent) == (2, 1)
    assert summary.weight == evidence_weight(1) == 0.5


def test_date_consensus_counts_copies_once_and_flags_disputed_days():
    """Two reprints saying the 27th and one independent report saying the 26th: one vote each,
    the tie goes to the earlier day, and 'date' is flagged as disputed."""
    later = D + timedelta(days=1)
    mentions = [
        mention("e1", "wire", later),
        mention("e2", "reprint", later, copy_of="wire"),
        mention("e3", "indep", D),
    ]
    summary = summarise("S000001", mentions)
    assert (summary.event_date, summary.date_precision) == (D, "day")
    assert "date" in summary.disagreements
    assert (summary.first_reported, summary.last_reported) == (D, later)


def _israel_as(text: str, name: str, sector: str) -> tuple[ActorRef, ...]:
    return (ActorRef(text, name, "ISR", sector),)


def test_actor_sector_consensus_counts_copies_once():
    """Three copies of one wire story naming 'the Israeli military' do not outvote two independent
    outlets naming 'Israel': the story's actor is Israel (no sector), as for every other field."""
    military = _israel_as("the Israeli military", "Israel Defense Forces", "MIL")
    country = _israel_as("Israel", "Israel", "")
    base = dict(actor="ISR", recipient="IRN")
    mentions = [
        replace(mention("e1", "wire", D, **base), actor=military),
        replace(mention("e2", "reprint1", D, copy_of="wire", **base), actor=military),
        replace(mention("e3", "reprint2", D, copy_of="wire", **base), actor=military),
        replace(mention("e4", "indep1", D, **base), actor=country),
        replace(mention("e5", "indep2", D, **base), actor=country),
    ]
    (actor,) = summarise("S000001", mentions).actor
    assert (actor.name, actor.sector) == ("Israel", "")


def test_consensus_actor_text_matches_its_name():
    """The consensus actor's words are words that name that actor, not another mention's."""
    mentions = [
        replace(mention("e1", "a", D, actor="ISR", recipient="IRN"), actor=_israel_as("Israel", "Israel", "")),
        replace(mention("e2", "b", D, actor="ISR", recipient="IRN"),
                actor=_israel_as("the Israeli military", "Israel Defense Forces", "MIL")),
        replace(mention("e3", "c", D, actor="ISR", recipient="IRN"),
                actor=_israel_as("the Israeli military", "Israel Defense Forces", "MIL")),
    ]  # fmt: skip
    (actor,) = summarise("S000001", mentions).actor
    assert (actor.text, actor.name, actor.sector) == ("the Israeli military", "Israel Defense Forces", "MIL")


def test_evidence_weight_grows_with_independent_sources():
    """0.5 for one source, 0.75 for two, approaching 1; never 0 for a story."""
    assert evidence_weight(1) == 0.5
    assert evidence_weight(2) == 0.75
    assert evidence_weight(0) == 0.5
    assert evidence_weight(3) > evidence_weight(2) and evidence_weight(30) <= 1.0


# === 3. wire copies =================================================================================

PARAS = [
    "Israel struck military sites in Iran on Saturday, the Israeli military said, calling the raid a response to attacks.",
    "The strikes hit air defence batteries and missile factories near Tehran and in the western provinces of Ilam and Khuzestan.",
    "Iranian state television said air defences had intercepted most of the projectiles and that the damage was limited.",
    "Residents of the capital reported a series of loud explosions shortly after two in the morning local time.",
    "Flights at the main international airport were suspended for several hours and later resumed without incident.",
    "The United States said it had been told in advance but had not taken part in the operation.",
    "Oil prices rose sharply in early Asian trading as investors weighed the risk of a wider regional war.",
    "Saudi Arabia and the United Arab Emirates called on both governments to show restraint and avoid escalation.",
    "Analysts said the choice of targets suggested an effort to limit the chance of a further Iranian response.",
    "The United Nations secretary general urged an immediate halt to all military action in the Middle East.",
]
INDEPENDENT_REPORT = (
    "Israeli warplanes attacked targets across Iran before dawn on Saturday, hitting bases that Israeli officials said "
    "were used to build missiles. Witnesses in the capital described blasts that shook windows, while the government in "
    "Tehran played down the damage and said the country's air defence network had worked. Washington said it was told "
    "beforehand but did not join the raid, and Gulf states called for restraint from all sides."
)


def body(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def test_reprint_with_a_paragraph_dropped_is_a_copy():
    """A reprint (its own headline is not part of the body) with one paragraph cut is a wire copy."""
    finder = CopyFinder()
    assert finder.add("orig", signature(body(PARAS[:8]))).copy_of is None
    match = finder.add("reprint", signature(body(PARAS[:3] + PARAS[4:8])))
    assert match.copy_of == "orig"
    assert 0.7 <= match.similarity <= 1.0


def test_independent_report_of_the_same_event_is_not_a_copy():
    """Another outlet's own account of the strike, in other words, is an independent source."""
    finder = CopyFinder()
    finder.add("orig", signature(body(PARAS[:8])))
    match = finder.add("indep", signature(INDEPENDENT_REPORT))
    assert match.copy_of is None and match.similarity is None


FOLLOW_UP_NEWS = [
    "Iran's supreme leader said on Sunday that the Israeli attack should be neither exaggerated nor downplayed.",
    "Four soldiers were killed in the strikes, the Iranian army said in a statement carried by state media on Sunday.",
    "Israel's prime minister told a memorial ceremony that the operation had achieved all of its objectives.",
    "Foreign ministers from the region were due to meet in Riyadh later in the week to discuss the crisis.",
]


def test_follow_up_reusing_background_paragraphs_is_not_a_copy():
    """A next-day story with new news on top of five of the wire's background paragraphs
    (about 40% of shingles shared) is its own source, not a reprint."""
    finder = CopyFinder()
    finder.add("orig", signature(body(PARAS[:8])))
    match = finder.add("follow-up", signature(body(PARAS[3:8] + FOLLOW_UP_NEWS)))
    assert match.copy_of is None


def test_copy_of_a_copy_belongs_to_the_first_articles_group():
    """A reprint of a reprint (closer to the reprint than to the original) is in the original's group."""
    finder = CopyFinder()
    finder.add("a", signature(body(PARAS[0:8])))
    assert finder.add("b", signature(body(PARAS[1:9]))).copy_of == "a"
    assert finder.add("c", signature(body(PARAS[2:10]))).copy_of == "a"
    # c shares too little with a to match it directly: only its match with b puts it in a's group
    alone = CopyFinder()
    alone.add("a", signature(body(PARAS[0:8])))
    assert alone.add("c", signature(body(PARAS[2:10]))).copy_of is None


def test_stored_signatures_find_copies_in_a_later_run():
    """Signatures loaded back from the store (as update_stories does) still find copies, and keep groups."""
    first = CopyFinder()
    first.add("a", signature(body(PARAS[0:8])))
    first.add("b", signature(body(PARAS[1:9])))
    later = CopyFinder()
    later.load("a", signature(body(PARAS[0:8])).tolist(), None)
    later.load("b", signature(body(PARAS[1:9])).tolist(), "a")
    assert later.add("c", signature(body(PARAS[2:10]))).copy_of == "a"
    assert later.add("d", signature(INDEPENDENT_REPORT)).copy_of is None


# === 4. end to end through the store ===============================================================


def test_article_copies_marks_the_wire_copy(corpus):
    """The reprint with its own headline and outlet is recorded as a copy of the original; others are originals."""
    rows = dict(corpus.query("SELECT article_id, copy_of FROM article_copies"))
    assert set(rows) == {a["id"] for a in CORPUS}
    assert rows["b-copy"] == "a-orig"
    assert rows["e-leb-copy"] == "d-leb"
    assert {a for a, c in rows.items() if c is not None} == {"b-copy", "e-leb-copy"}


def test_strike_reported_three_times_is_one_story_with_two_independent_sources(corpus):
    """Original + wire copy + independent report of Israel's strike: one story, 3 articles, 2 sources."""
    story = one_story(corpus, "ASSAULT", "ISR", "IRN")
    assert re.fullmatch(r"S\d{6}", story["story_id"])
    assert story["event_date"] == D
    assert story["n_articles"] == 3
    assert story["n_independent"] == 2
    assert story["n_outlets"] == 3
    assert story["weight"] == 0.75
    assert {m["article_id"] for m in story["mentions"]} == {"a-orig", "b-copy", "c-indep"}


def test_public_stories_rows_carry_sourced_mentions(corpus):
    """Every story row lists its mentions with outlet, sentence and trigger, so each can be checked at source."""
    rows = corpus.public_stories()
    assert rows and all(r["mentions"] for r in rows)
    assert sum(r["n_mentions"] for r in rows) == corpus.scalar("SELECT count(*) FROM events")
    story = one_story(corpus, "ASSAULT", "ISR", "IRN")
    copy = next(m for m in story["mentions"] if m["article_id"] == "b-copy")
    assert copy["outlet"] == "Paper B"
    assert copy["copy_of"] == "a-orig"
    assert copy["sentence"] == STRIKE_BODY
    assert copy["trigger"] and copy["trigger"] in copy["sentence"]
    for r in rows:
        assert r["n_mentions"] == len(r["mentions"])
        for m in r["mentions"]:
            assert m["outlet"] and m["sentence"] and m["trigger"]


def test_public_stories_min_mentions_filters(corpus):
    """--min-reports: only stories with at least that many mentions."""
    rows = corpus.public_stories(2)
    assert rows and all(r["n_mentions"] >= 2 for r in rows)
    assert len(rows) < len(corpus.public_stories())


def test_every_public_event_row_carries_its_story_id(corpus):
    """Every exported event names the story it belongs to; copies share the original's story."""
    events = list(corpus.iter_public_events())
    assert events and all(re.fullmatch(r"S\d{6}", e["story_id"] or "") for e in events)
    story = one_story(corpus, "ASSAULT", "ISR", "IRN")
    struck = {e["article_id"]: e["story_id"] for e in events if e["trigger"] == "struck" and e["published"] == D}
    assert struck == {"a-orig": story["story_id"], "b-copy": story["story_id"]}


# === 5. incremental runs ============================================================================


@pytest.fixture()
def cli_pipeline(monkeypatch, pipeline):
    """`sitroom ingest` through the session's production pipeline (no second model load)."""
    monkeypatch.setattr(sitroom.pipeline, "Pipeline", lambda *a, **kw: pipeline)
    monkeypatch.delenv("SITROOM_DB", raising=False)
    return pipeline


STORIES_LINE = re.compile(
    r"stories: (\d+) new mentions -> (\d+) new story events, (\d+) extended; (\d+) of (\d+) new articles are wire copies"
)


def test_incremental_ingest_keeps_story_ids_and_extends_stories(tmp_path, cli_pipeline):
    """Ingesting more articles later never renumbers stored stories; new reports join them,
    and a wire copy of an article stored in the earlier run is recognised."""
    db = tmp_path / "s.duckdb"
    first = write_jsonl(tmp_path / "one.jsonl", [ISR_IRN_ORIGINAL, THREAT_ISR])
    second = write_jsonl(tmp_path / "two.jsonl", [ISR_IRN_COPY, ISR_IRN_INDEPENDENT, MISSILES])

    result = invoke("ingest", first, "--db", db, "--no-progress")
    assert result.exit_code == 0, result.output
    with Store(db, read_only=True) as store:
        before = dict(store.query("SELECT event_id, story_id FROM story_mentions"))
        n_stories = store.scalar("SELECT count(*) FROM stories")
        strike_id = one_story(store, "ASSAULT", "ISR", "IRN")["story_id"]
    assert before and n_stories >= 2

    result = invoke("ingest", second, "--db", db, "--no-progress")
    assert result.exit_code == 0, result.output
    line = STORIES_LINE.search(flat(result.stderr))
    assert line, result.stderr
    mentions, new, extended, copies, checked = map(int, line.groups())
    assert extended >= 1
    assert (copies, checked) == (1, 3)

    with Store(db, read_only=True) as store:
        after = dict(store.query("SELECT event_id, story_id FROM story_mentions"))
        assert {e: after[e] for e in before} == before  # every earlier event keeps its story
        assert len(after) == store.scalar("SELECT count(*) FROM events") == len(before) + mentions
        assert store.scalar("SELECT count(*) FROM stories") == n_stories + new
        assert store.scalar("SELECT copy_of FROM article_copies WHERE article_id = 'b-copy'") == "a-orig"
        story = one_story(store, "ASSAULT", "ISR", "IRN")
    assert story["story_id"] == strike_id
    assert (story["n_articles"], story["n_independent"], story["weight"]) == (3, 2, 0.75)
    # new stories are numbered after the stored ones
    new_ids = set(after.values()) - set(before.values())
    assert new_ids and min(new_ids) > max(before.values())


def test_update_stories_twice_is_a_no_op(tmp_path, pipeline):
    """Running the story stage again with nothing new changes nothing."""
    with Store(tmp_path / "s.duckdb") as store:
        ingest(pipeline, store, write_jsonl(tmp_path / "a.jsonl", [ISR_IRN_ORIGINAL, ISR_IRN_COPY]))
        stories = store.query("SELECT story_id, n_mentions, n_independent FROM stories ORDER BY story_id")
        report = update_stories(store)
        assert (report.articles_checked, report.mentions, report.new_stories, report.extended_stories) == (0, 0, 0, 0)
        assert store.query("SELECT story_id, n_mentions, n_independent FROM stories ORDER BY story_id") == stories


def test_library_incremental_report_counts_extended_stories(tmp_path, pipeline):
    """update_stories reports a story that a later report joins as extended, not new."""
    with Store(tmp_path / "s.duckdb") as store:
        first = ingest(pipeline, store, write_jsonl(tmp_path / "a.jsonl", [ISR_IRN_ORIGINAL]))
        assert first.extended_stories == 0 and first.new_stories >= 1
        second = ingest(pipeline, store, write_jsonl(tmp_path / "b.jsonl", [ISR_IRN_INDEPENDENT]))
        assert second.extended_stories >= 1
        story = one_story(store, "ASSAULT", "ISR", "IRN")
        assert (story["n_articles"], story["n_independent"]) == (2, 2)


# === 6. the threat ledger ===========================================================================


def entry_for(entries: list[ledger.ThreatEntry], declarant: str, addressee: str) -> ledger.ThreatEntry:
    found = [e for e in entries if e.kind == "threat" and declarant in e.declarant and addressee in e.addressee]
    assert len(found) == 1, entries
    return found[0]


def test_threat_followed_by_a_strike_is_carried_out(corpus):
    """Iran's threat against Israel, then Iran's missile strike on Israel two days later: carried out by that story."""
    strike = one_story(corpus, "ASSAULT", "IRN", "ISR")
    entry = entry_for(ledger.threat_ledger(corpus, window_days=30, as_of=date(2024, 10, 26)), "IRN", "ISR")
    assert entry.status == "carried out"
    assert entry.carried_out_by == strike["story_id"]
    assert entry.status_date == strike["event_date"] == date(2024, 10, 8)
    assert entry.date == date(2024, 10, 6)
    assert entry.sources and entry.sources[0]["outlet"] == "Wire A"


def test_strike_after_the_window_does_not_carry_a_threat_out(corpus):
    """With a one-day window the strike two days later is too late: the threat lapsed."""
    entry = entry_for(ledger.threat_ledger(corpus, window_days=1, as_of=date(2024, 10, 26)), "IRN", "ISR")
    assert entry.status == "lapsed"
    assert entry.carried_out_by is None
    assert entry.status_date == date(2024, 10, 7)


def test_threat_with_nothing_after_it_lapses_after_the_window(corpus):
    """Iran's threat against Saudi Arabia, nothing done, judged 30+ days later: lapsed."""
    entry = entry_for(ledger.threat_ledger(corpus, window_days=30, as_of=date(2024, 12, 1)), "IRN", "SAU")
    assert entry.status == "lapsed"
    assert entry.carried_out_by is None
    assert entry.status_date == date(2024, 11, 5)


def test_threat_inside_its_window_is_open(corpus):
    """The same threat judged while its window runs is open."""
    entries = ledger.threat_ledger(corpus, window_days=30, as_of=date(2024, 10, 20))
    entry = entry_for(entries, "IRN", "SAU")
    assert entry.status == "open"
    assert entry.status_date is None
    # the default as_of is the newest article (2024-10-26), inside the window too
    assert entry_for(ledger.threat_ledger(corpus), "IRN", "SAU").status == "open"


def test_ledger_select_filters_by_status_and_actor(corpus):
    """`threats --status ... --actor ...`: only matching entries; an unknown status is an error."""
    entries = ledger.threat_ledger(corpus, window_days=30, as_of=date(2024, 12, 1))
    lapsed = ledger.select(entries, status=["lapsed"])
    assert lapsed and all(e.status == "lapsed" for e in lapsed)
    assert ledger.select(entries, status=["carried out"], actor="isr") == [entry_for(entries, "IRN", "ISR")]
    assert ledger.select(entries, actor="SAU") == [entry_for(entries, "IRN", "SAU")]
    assert ledger.select(entries, actor="USA") == []
    assert ledger.select(entries) == entries
    with pytest.raises(ValueError, match="nonsense"):
        ledger.select(entries, status=["nonsense"])


def test_threat_reported_twice_is_one_entry_and_a_disavowal_withdraws(tmp_path, pipeline):
    """A threat carried by two outlets is ONE ledger entry with both sources; 'Iran would not
    strike Saudi Arabia' a week after Iran's threat against it withdraws that threat."""
    second_report = article(
        "f2-threat", "2024-10-06", "Iran on Sunday threatened to strike Israel, state media reported.", outlet="Paper C"
    )
    disavowal = article(
        "i-disavow", "2024-10-14", "Iran said on Monday it would not strike Saudi Arabia.", outlet="Wire A"
    )
    with Store(tmp_path / "s.duckdb") as store:
        ingest(pipeline, store, write_jsonl(tmp_path / "t.jsonl", [THREAT_ISR, second_report, THREAT_SAU, disavowal]))
        entries = ledger.threat_ledger(store, window_days=30, as_of=date(2024, 10, 14))
    assert len(entries) == 2
    against_israel = entry_for(entries, "IRN", "ISR")
    assert {s["article_id"] for s in against_israel.sources} == {"f-threat", "f2-threat"}
    assert {s["outlet"] for s in against_israel.sources} == {"Wire A", "Paper C"}
    assert against_israel.status == "open"
    against_saudi = entry_for(entries, "IRN", "SAU")
    assert (against_saudi.status, against_saudi.status_date) == ("withdrawn", date(2024, 10, 14))


def test_negative_window_is_refused(corpus):
    with pytest.raises(ValueError):
        ledger.threat_ledger(corpus, window_days=-1)


def test_threat_alone_is_not_carried_out_by_its_own_threatened_act(tmp_path, pipeline):
    """A threat and nothing else: no strike happened, so the threat is open, not carried out."""
    text = "The Revolutionary Guards threatened on Sunday to strike Israel."
    with Store(tmp_path / "s.duckdb") as store:
        ingest(pipeline, store, write_jsonl(tmp_path / "t.jsonl", [article("t1", "2024-10-08", text)]))
        asserted_acts = store.query("SELECT story_id FROM stories WHERE event_type = 'ASSAULT' AND modality = 'asserted'")
        (entry,) = ledger.threat_ledger(store, window_days=30, as_of=date(2024, 10, 8))
    assert entry.status == "open", (entry.status, entry.carried_out_by)
    assert asserted_acts == []


# === 7. timeline, alerts, network ===================================================================


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IRN-ISR", ("IRN", "ISR", None, None)),
        ("ISRMIL-IRN", ("ISR", "IRN", "MIL", None)),
        (" irn-isr ", ("IRN", "ISR", None, None)),
    ],
)
def test_parse_dyad_accepts_countries_and_sectors(text, expected):
    d = parse_dyad(text)
    assert (d.source, d.target, d.source_sector, d.target_sector) == expected


@pytest.mark.parametrize("text", ["IRAN-ISR", "IRN", "IRN-ISR-USA", "IR-ISR", "IRN-"])
def test_parse_dyad_rejects_malformed_pairs(text):
    with pytest.raises(ValueError):
        parse_dyad(text)


def test_timeline_counts_an_original_and_its_copy_as_one_story(corpus):
    """Israel's strike on Lebanon reported by a wire story and its reprint: one story, one source's weight."""
    frame = timeline(corpus, "ISR-LBN")
    assert list(frame.columns[:4]) == ["period", "source", "target", "stories"]
    assert len(frame) == 1
    row = frame.iloc[0]
    assert (row["period"], row["source"], row["target"]) == (date(2024, 10, 14), "ISR", "LBN")
    assert row["stories"] == 1
    assert row["quad4"] == 0.5
    assert row["conflict"] == 5.0


def test_timeline_weights_independent_sources(corpus):
    """Israel's strike on Iran, reported by two independent sources (plus a copy), weighs 0.75."""
    frame = timeline(corpus, "ISR-IRN")
    row = frame[frame["period"] == D].iloc[0]
    assert row["stories"] == 1
    assert row["quad4"] == 0.75


def test_timeline_fills_empty_days_between_stories(corpus):
    """A dyad's timeline lists every day from its first to its last story, quiet days as zero."""
    frame = timeline(corpus, "IRN-ISR")
    assert frame["period"].iloc[0] == date(2024, 10, 6) and frame["period"].iloc[-1] == date(2024, 10, 8)
    assert list(frame["period"]) == [date(2024, 10, 6), date(2024, 10, 7), date(2024, 10, 8)]
    assert list(frame["stories"]) == [1, 0, 1]
    assert frame.loc[0, "threats"] == 0.5 and frame.loc[2, "quad4"] == 0.5


def test_weekly_periods_start_on_monday(corpus):
    """freq='week': every period is the Monday that starts its week."""
    for dyad in ("IRN-ISR", "ISR-IRN", "ISR-LBN"):
        frame = timeline(corpus, dyad, freq="week")
        assert not frame.empty
        assert all(p.weekday() == 0 for p in frame["period"])
    weekly = timeline(corpus, "ISR-IRN", freq="week")
    assert list(weekly["period"]) == [date(2024, 10, 21)]  # the week of Saturday 26 October


def test_since_and_until_limit_timeline_alerts_and_network(corpus):
    """Date filters: only story events (and alerts) inside the requested days."""
    assert list(timeline(corpus, "IRN-ISR", since=date(2024, 10, 7))["period"]) == [date(2024, 10, 8)]
    assert list(timeline(corpus, "IRN-ISR", until=date(2024, 10, 7))["period"]) == [date(2024, 10, 6)]
    late = network(corpus, since=date(2024, 10, 20))
    assert list(zip(late["source"], late["target"])) == [("ISR", "IRN")]
    assert network(corpus, until=date(2024, 10, 1)).empty
    recent = alerts(corpus, since=date(2024, 10, 20))
    assert not recent.empty and all(p >= date(2024, 10, 20) for p in recent["period"])
    assert timeline(corpus, "IRN-USA").empty  # a pair with no stories: empty, not an error


def test_timeline_rejects_unknown_frequency(corpus):
    with pytest.raises(ValueError):
        timeline(corpus, "IRN-ISR", freq="year")
    with pytest.raises(ValueError, match="per day or week"):  # a baseline needs periods of one length
        alerts(corpus, freq="month")


def test_first_strike_between_quiet_parties_is_an_alert(corpus):
    """Alerts: a strike on a pair with a quiet baseline stands out; the alert names its story."""
    frame = alerts(corpus)
    assert not frame.empty
    hit = frame[(frame["source"] == "IRN") & (frame["target"] == "ISR")]
    strike = one_story(corpus, "ASSAULT", "IRN", "ISR")
    assert list(hit["period"]) == [date(2024, 10, 8)]
    assert hit.iloc[0]["story_ids"] == [strike["story_id"]]
    assert hit.iloc[0]["z"] >= 3


def test_network_edges_are_directed_and_count_stories(corpus):
    """The network has an ISR->IRN and an IRN->ISR material-conflict edge, each one story."""
    edges = network(corpus)
    assert list(edges.columns) == ["source", "target", "quad_class", "stories", "weight", "intensity"]
    conflict = edges[edges["quad_class"] == 4].set_index(["source", "target"])
    assert conflict.loc[("ISR", "IRN"), "stories"] == 1
    assert conflict.loc[("ISR", "IRN"), "weight"] == 0.75
    assert conflict.loc[("ISR", "LBN"), "weight"] == 0.5
    assert conflict.loc[("IRN", "ISR"), "stories"] == 1


def test_network_graphml_parses_and_is_directed(corpus):
    """GraphML for Gephi/networkx: well-formed XML, directed edges between known nodes."""
    buf = io.StringIO()
    edges = network(corpus)
    write_network(edges, buf, "graphml")
    root = ET.fromstring(buf.getvalue())
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    graph = root.find("g:graph", ns)
    assert graph.get("edgedefault") == "directed"
    nodes = {n.get("id") for n in graph.findall("g:node", ns)}
    found = [(e.get("source"), e.get("target")) for e in graph.findall("g:edge", ns)]
    assert len(found) == len(edges)
    assert ("ISR", "IRN") in found and ("IRN", "ISR") in found
    assert all(s in nodes and t in nodes for s, t in found)


def test_write_network_json_has_nodes_and_edges(corpus):
    buf = io.StringIO()
    write_network(network(corpus), buf, "json")
    data = json.loads(buf.getvalue())
    assert {"IRN", "ISR", "LBN"} <= {n["id"] for n in data["nodes"]}
    assert data["edges"] and {"source", "target", "quad_class", "stories", "weight"} <= set(data["edges"][0])
    with pytest.raises(ValueError):
        write_network(network(corpus), io.StringIO(), "dot")


# === 8. the command line ============================================================================


def test_cli_stories_jsonl(corpus_db):
    """`sitroom stories --format jsonl`: one JSON story per line, each with its mentions."""
    result = invoke("stories", "--db", corpus_db, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert rows and all(r["mentions"] for r in rows)
    assert all(re.fullmatch(r"S\d{6}", r["story_id"]) for r in rows)
    strike = next(r for r in rows if r["event_type"] == "ASSAULT" and r["n_articles"] == 3)
    assert strike["n_independent"] == 2
    assert {m["outlet"] for m in strike["mentions"]} == {"Wire A", "Paper B", "Paper C"}


def test_cli_stories_table_and_csv(corpus_db):
    table = invoke("stories", "--db", corpus_db)
    assert table.exit_code == 0, table.output
    assert "S000001" in table.stdout
    csv_out = invoke("stories", "--db", corpus_db, "--format", "csv", "--min-reports", "2")
    assert csv_out.exit_code == 0, csv_out.output
    header, *lines = csv_out.stdout.splitlines()
    assert header.startswith("story_id,event_type") and header.endswith("mentions")
    assert lines


def test_cli_threats_unknown_status_is_a_usage_error(corpus_db):
    result = invoke("threats", "--db", corpus_db, "--status", "nonsense")
    assert result.exit_code == 2
    assert "nonsense" in flat(result.output)


def test_cli_threats_filters(corpus_db):
    """`sitroom threats --status lapsed --as-of ... --format jsonl` lists only lapsed entries."""
    result = invoke("threats", "--db", corpus_db, "--status", "lapsed", "--as-of", "2024-12-01", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert rows and {r["status"] for r in rows} == {"lapsed"}
    assert any(r["addressee"] == ["SAU"] for r in rows)


def test_cli_timeline_bad_dyad_is_a_usage_error(corpus_db):
    result = invoke("timeline", "--db", corpus_db, "--dyad", "IRAM-ISR")
    assert result.exit_code == 2
    assert "IRAM" in flat(result.output) and "did you mean" in flat(result.output) and "Iran (IRN)" in flat(result.output)
    assert invoke("timeline", "--db", corpus_db, "--dyad", "IRAN-ISR").exit_code == 0  # a country's name is a side too


def test_cli_timeline_csv(corpus_db):
    result = invoke("timeline", "--db", corpus_db, "--dyad", "IRN-ISR", "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("period,source,target,stories")
    assert lines[1].startswith("2024-10-06,IRN,ISR,1")


def test_cli_alerts_bad_dyad_is_a_usage_error(corpus_db):
    result = invoke("alerts", "--db", corpus_db, "--dyad", "IRAM-ISR")
    assert result.exit_code == 2
    assert "IRAM" in flat(result.output) and "did you mean" in flat(result.output) and "Iran (IRN)" in flat(result.output)
    assert invoke("alerts", "--db", corpus_db, "--dyad", "IRAN-ISR").exit_code == 0  # a country's name is a side too


def test_cli_network_graphml(corpus_db, tmp_path):
    result = invoke("network", "--db", corpus_db, "--format", "graphml")
    assert result.exit_code == 0, result.output
    root = ET.fromstring(result.stdout)
    assert root.find("{http://graphml.graphdrawing.org/xmlns}graph").get("edgedefault") == "directed"
    out = tmp_path / "net.graphml"
    result = invoke("network", "--db", corpus_db, "--format", "graphml", "--output", out)
    assert result.exit_code == 0, result.output
    ET.parse(out)


def test_cli_alerts_json(corpus_db):
    result = invoke("alerts", "--db", corpus_db, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, list) and data
    assert {"period", "source", "target", "z", "story_ids"} <= set(data[0])
    assert any(a["source"] == "IRN" and a["target"] == "ISR" and a["period"].startswith("2024-10-08") for a in data)


@pytest.mark.parametrize(
    "command", [["stories"], ["threats"], ["timeline", "--dyad", "IRN-ISR"], ["alerts"], ["network", "-f", "json"]]
)
def test_cli_commands_on_a_missing_store_exit_1_naming_it(tmp_path, command):
    """A mistyped --db is an error naming the path, not an empty result, and creates nothing."""
    missing = tmp_path / "nowhere.duckdb"
    result = invoke(*command, "--db", missing)
    assert result.exit_code == 1, result.output
    assert "nowhere.duckdb" in flat(result.output)
    assert "Traceback" not in result.output
    assert not missing.exists()


def test_cli_rebuild_on_a_missing_store_exits_1_and_creates_nothing(tmp_path):
    """`sitroom stories --rebuild --db typo.duckdb` must not report success on a store that does not exist."""
    missing = tmp_path / "nowhere.duckdb"
    result = invoke("stories", "--rebuild", "--db", missing)
    assert result.exit_code == 1, result.output
    assert "nowhere.duckdb" in flat(result.output)
    assert not missing.exists()


# === 9. the notebook API ============================================================================


def test_open_returns_dataframes(corpus_db):
    """`with sitroom.open(path) as room:` every view is a pandas DataFrame."""
    with sitroom.open(corpus_db) as room:
        events = room.events()
        stories = room.stories()
        threats = room.threats()
        tl = room.timeline("IRN-ISR")
        al = room.alerts()
        net = room.network()
    for frame in (events, stories, threats, tl, al, net):
        assert isinstance(frame, pd.DataFrame)
    assert len(events) > 0 and "story_id" in events.columns and events["story_id"].notna().all()
    assert set(events["story_id"]) == set(stories["story_id"])
    assert "mentions" in stories.columns
    assert set(threats["status"]) <= set(ledger.STATUSES) and len(threats) == 2
    assert list(tl["stories"]) == [1, 0, 1]
    assert not al.empty and not net.empty


def test_open_with_arrow_returns_tables(corpus_db):
    with sitroom.open(corpus_db) as room:
        tables = [room.events(arrow=True), room.stories(arrow=True), room.threats(arrow=True),
                  room.timeline("IRN-ISR", arrow=True), room.alerts(arrow=True), room.network(arrow=True)]  # fmt: skip
        n_stories = len(room.stories())
    assert all(isinstance(t, pa.Table) for t in tables)
    assert tables[1].num_rows == n_stories and "mentions" in tables[1].column_names


def test_open_threats_filters_like_the_cli(corpus_db):
    with sitroom.open(corpus_db) as room:
        lapsed = room.threats(status=["lapsed"], as_of=date(2024, 12, 1))
        by_sau = room.threats(actor="SAU")
        with pytest.raises(ValueError):
            room.threats(status=["nonsense"])
    assert set(lapsed["status"]) == {"lapsed"}
    assert list(by_sau["addressee"]) == [["SAU"]]


def test_open_without_a_path_uses_sitroom_db(corpus_db, corpus, monkeypatch):
    """`sitroom.open()` reads the store named by $SITROOM_DB, like the CLI."""
    monkeypatch.setenv("SITROOM_DB", str(corpus_db))
    with sitroom.open() as room:
        assert list(room.stories()["story_id"]) == [r["story_id"] for r in corpus.public_stories()]


def test_open_missing_store_raises_store_error(tmp_path):
    with pytest.raises(sitroom.StoreError, match="nowhere"):
        sitroom.open(tmp_path / "nowhere.duckdb")


# === 10. migration and rebuild ======================================================================


def test_new_store_is_at_the_story_schema():
    with Store(":memory:") as store:
        assert store.schema_version() == SCHEMA_VERSION >= 3
        tables = {r[0] for r in store.query("SELECT table_name FROM information_schema.tables")}
    assert {"stories", "story_mentions", "article_copies"} <= tables


def test_schema_2_store_is_migrated_to_stories(tmp_path):
    """A store written before the story stage gains its tables, and keeps its events, when opened for writing."""
    import sitroom.store as store_module

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    for version, statements in store_module._MIGRATIONS[:2]:
        for sql in statements:
            con.execute(sql)
    con.execute("INSERT INTO meta VALUES ('schema_version', '2')")
    con.execute(
        "INSERT INTO articles (article_id, source, format, published, raw_text, text, content_hash)"
        " VALUES ('old', 'old.txt', 'txt', DATE '2024-10-26', 'x', 'Israel struck Iran.', 'h')"
    )
    con.execute(
        "INSERT INTO events (event_id, article_id, sentence_index, trigger, event_type, quad_class, intensity, actor,"
        " recipient, modality, event_date, date_precision) VALUES ('ev-old', 'old', 0, 'struck', 'ASSAULT', 4, -10.0,"
        " [{'text': 'Israel', 'name': 'Israel', 'country': 'ISR', 'sector': ''}],"
        " [{'text': 'Iran', 'name': 'Iran', 'country': 'IRN', 'sector': ''}], 'asserted', DATE '2024-10-26', 'day')"
    )
    con.close()

    with pytest.raises(sitroom.StoreError, match="migrat"):
        Store(path, read_only=True)
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        tables = {r[0] for r in store.query("SELECT table_name FROM information_schema.tables")}
        assert {"stories", "story_mentions", "article_copies"} <= tables
        columns = {r[0] for r in store.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'events'")}
        assert {"cause_event", "cause_text"} <= columns
        # the old events can be put into stories
        report = update_stories(store)
        assert (report.mentions, report.new_stories) == (1, 1)
        (row,) = list(store.iter_public_events())
        assert row["event_id"] == "ev-old" and row["story_id"] == "S000001"


def test_rebuild_keeps_every_mention(corpus_db, tmp_path):
    """`sitroom stories --rebuild` forgets and rebuilds stories: same mentions, same copy groups."""
    db = tmp_path / "copy.duckdb"
    shutil.copy(corpus_db, db)

    def snapshot():
        with Store(db, read_only=True) as store:
            return (
                store.scalar("SELECT count(*) FROM story_mentions"),
                store.scalar("SELECT count(*) FROM events"),
                store.scalar("SELECT count(*) FROM stories"),
                sorted(store.query("SELECT article_id, copy_of FROM article_copies")),
            )

    before = snapshot()
    result = invoke("stories", "--rebuild", "--db", db, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    assert "rebuilt:" in flat(result.stderr)
    after = snapshot()
    assert after == before
    assert after[0] == after[1]  # every event is in exactly one story
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert sum(r["n_mentions"] for r in rows) == after[0]
