"""Accuracy on real, published news (`sitroom eval realnews`).

The corpus (eval/realnews) holds real news pages kept as stored and, for
each article, every event an analyst would want (eval/realnews/GUIDE.md).
Each split folder has ``articles.jsonl`` and ``gold.jsonl``. The articles
are ingested into an in-memory store exactly as a user would ingest them,
story events are built, and the coded events are matched to the gold:

- a coded event and a gold event are *located* together when the coded
  event's sentence holds the gold quote (most of its words, the trigger
  among them);
- they *match* when, located together, they agree on the type (for gold
  CAMEO 01/02 events, which PLOVER has no type for, on the CAMEO root) and
  on the actor and recipient countries (a gold side left empty accepts any).

Recall is over required gold events; precision counts a coded event right
when it matches a required or optional gold event, wrong when it matches
none. Type accuracy is over located pairs; modality, attribution, date,
place and casualties are scored on matched pairs where the gold gives them.
Story merging is scored pairwise on the gold ``story`` slugs of the cluster
articles, the ledger on the gold ``threat`` statuses.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from ..errors import DataFileError
from ..records import MODALITIES
from .common import PRF

__all__ = [
    "RealNewsScores", "SPLITS", "article_counts", "check_event", "evaluate_realnews", "load_annotated_folder",
    "load_realnews", "located", "match_article", "side_ok", "trigger_near", "type_ok",
]  # fmt: skip

SPLITS = ("dev", "test", "train", "val")
PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip
_STATUS = {"carried_out": "carried out", "lapsed": "lapsed", "open": "open", "withdrawn": "withdrawn"}
_WORD = re.compile(r"\w+", re.UNICODE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text or "")]


# --- loading ---------------------------------------------------------------------------------


def _read_jsonl(path: Path) -> list[tuple[int, dict]]:
    if not path.is_file():
        raise DataFileError(str(path), None, "missing")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataFileError(str(path), number, f"not valid JSON: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise DataFileError(str(path), number, "expected a JSON object")
        rows.append((number, obj))
    return rows


def check_event(path: Path, line: int, text: str, ev: dict) -> None:
    def bad(msg: str) -> DataFileError:
        return DataFileError(str(path), line, f"event {ev.get('id', '?')}: {msg}")

    quote, trigger = ev.get("quote"), ev.get("trigger")
    if not isinstance(quote, str) or quote not in text:
        raise bad("quote is not an exact substring of the article text")
    if not isinstance(trigger, str) or trigger not in quote:
        raise bad("trigger is not inside its quote")
    kind, cameo = ev.get("type"), str(ev.get("cameo") or "")
    if kind is None:
        if not cameo.startswith(("01", "02")):
            raise bad("type null needs a CAMEO 01/02 code")
    elif kind not in PLOVER_TYPES:
        raise bad(f"unknown type {kind!r}")
    if ev.get("modality") not in MODALITIES:
        raise bad(f"unknown modality {ev.get('modality')!r}")
    if ev.get("date") is not None and not _DATE.match(str(ev["date"])):
        raise bad(f"date {ev['date']!r} is not YYYY-MM-DD")
    for side in ("actor", "recipient"):
        if not isinstance(ev.get(side, []), list):
            raise bad(f"{side} must be a list")
    if not isinstance(ev.get("required"), bool):
        raise bad("required must be true or false")


def load_realnews(folder: str | Path, split: str) -> tuple[Path, dict[str, dict], dict[str, list[dict]]]:
    """(articles file, articles by id, gold events by article) of one split, validated."""
    if split not in SPLITS:
        raise DataFileError(str(folder), None, f"unknown split {split!r}: use one of {', '.join(SPLITS)}")
    return load_annotated_folder(Path(folder) / split)


def load_annotated_folder(base: Path) -> tuple[Path, dict[str, dict], dict[str, list[dict]]]:
    """(articles file, articles by id, gold events by article) of a folder holding
    ``articles.jsonl`` and ``gold.jsonl``, validated."""
    articles_path, gold_path = base / "articles.jsonl", base / "gold.jsonl"
    articles: dict[str, dict] = {}
    for number, row in _read_jsonl(articles_path):
        if not isinstance(row.get("id"), str) or not isinstance(row.get("text"), str):
            raise DataFileError(str(articles_path), number, "needs string 'id' and 'text'")
        if row["id"] in articles:
            raise DataFileError(str(articles_path), number, f"duplicate id {row['id']!r}")
        articles[row["id"]] = row
    gold: dict[str, list[dict]] = {}
    for number, row in _read_jsonl(gold_path):
        article = articles.get(row.get("article"))
        if article is None:
            raise DataFileError(str(gold_path), number, f"article {row.get('article')!r} is not in {articles_path.name}")
        if row["article"] in gold:
            raise DataFileError(str(gold_path), number, f"article {row['article']!r} annotated twice")
        events = row.get("events")
        if not isinstance(events, list):
            raise DataFileError(str(gold_path), number, "'events' must be a list")
        for ev in events:
            check_event(gold_path, number, article["text"], ev)
        gold[row["article"]] = events
    missing = sorted(set(articles) - set(gold))
    if missing:
        raise DataFileError(str(gold_path), None, f"no annotation for {len(missing)} article(s), e.g. {missing[0]!r}")
    return articles_path, articles, gold


# --- matching --------------------------------------------------------------------------------


def _countries(side) -> set[str]:
    return {a.get("country") for a in side or () if a.get("country")}


# The guide's organisation codes and the actor dictionary's: the guide names the African Union
# AFR and ECOWAS WAF (the dictionary: AFU, ECW), and files other groupings of states under IGO.
_IGO_CODES = frozenset(
    "UNO EUR NAT ARL AFU GCC OPC IAE ICC ICJ WHO IMF WBK OIC ASN OSC ICR G7N G20 BRI SCO ECW AES WTO OPW "
    "COE ITP OAS CST SDC EAC IGD APC OEC MRC CRC IEA IGO AFR WAF".split()
)
_GOLD_CODES = {"AFR": frozenset(("AFR", "AFU")), "WAF": frozenset(("WAF", "ECW")), "IGO": _IGO_CODES}


def side_ok(gold_side, system_side) -> bool:
    want = _countries(gold_side)
    if not want:
        return True
    got = _countries(system_side)
    return any(got & _GOLD_CODES.get(code, {code}) for code in want)


def type_ok(g: dict, s: dict) -> bool:
    if g.get("type"):
        return s.get("event_type") == g["type"]
    return str(s.get("cameo_code") or "")[:2] == str(g.get("cameo") or "")[:2]


def located(g: dict, s: dict) -> bool:
    """The coded event's sentence holds the gold quote: its trigger and most of its words."""
    sentence = s.get("_words")
    if sentence is None:
        sentence = s["_words"] = set(_words(s.get("sentence") or ""))
    quote = _words(g["quote"])
    trigger = _words(g["trigger"])
    if not quote or not all(w in sentence for w in trigger):
        return False
    return sum(w in sentence for w in quote) >= 0.6 * len(quote)


def trigger_near(g: dict, s: dict) -> bool:
    """The coded trigger's head word is one of the gold quote's words."""
    head = (_words(s.get("trigger") or "") or [""])[0]
    return head in set(_words(g["quote"]))


def match_article(
    gold_events: list[dict], system_events: list[dict], *, require_type: bool = True, require_sides: bool = True
) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, system index), best first: located together and, when
    asked, agreeing on the type and on the sides; coded triggers inside the quote win."""
    scored = []
    for gi, g in enumerate(gold_events):
        for si, s in enumerate(system_events):
            if not located(g, s):
                continue
            same_type = type_ok(g, s)
            sides = side_ok(g.get("actor"), s.get("actor")) and side_ok(g.get("recipient"), s.get("recipient"))
            if require_type and not (same_type and (sides or not require_sides)):
                continue
            first_word = (_words(s.get("trigger") or "") or [""])[0]
            exact = first_word in _words(g["trigger"])
            scored.append(((same_type, sides, exact, trigger_near(g, s), g.get("required", True)), gi, si))
    scored.sort(key=lambda x: x[0], reverse=True)
    used_g: set[int] = set()
    used_s: set[int] = set()
    pairs = []
    for _, gi, si in scored:
        if gi in used_g or si in used_s:
            continue
        used_g.add(gi)
        used_s.add(si)
        pairs.append((gi, si))
    return pairs


def article_counts(gold_events: list[dict], system_events: list[dict], truncated: bool = False) -> tuple[int, int, int, int]:
    """(required gold matched, required gold, coded events right, coded events scored) for one
    article, as the evaluator counts them: an unmatched event in the last sentence of a cut-off
    page is not scored."""
    pairs = match_article(gold_events, system_events)
    matched_s = {si for _, si in pairs}
    required = sum(1 for g in gold_events if g.get("required", True))
    matched_required = sum(1 for gi, _ in pairs if gold_events[gi].get("required", True))
    cut = _last_sentence(system_events) if truncated else None
    ignored = sum(
        1 for si, s in enumerate(system_events)
        if si not in matched_s and cut is not None and s.get("sentence_index") == cut
    )  # fmt: skip
    return matched_required, required, len(pairs), len(system_events) - ignored


# --- scores ----------------------------------------------------------------------------------


@dataclass
class RealNewsScores:
    split: str
    articles: int = 0
    gold_required: int = 0
    gold_optional: int = 0
    system: int = 0
    matched_required: int = 0  # required gold events matched
    typed_required: int = 0  # required gold events matched on sentence and type alone (sides not checked)
    typed_right: int = 0  # coded events matched on sentence and type alone
    system_right: int = 0  # coded events matching a gold event
    system_ignored: int = 0  # unmatched coded events in the cut-off last sentence of a truncated page
    located: int = 0
    located_typed: int = 0
    per_type: dict[str, list[int]] = field(default_factory=dict)  # type -> [matched gold, gold, right coded, coded]
    fields: dict[str, list[int]] = field(default_factory=dict)  # field -> [right, scored]
    confusions: Counter = field(default_factory=Counter)
    merge_pairs: list[int] = field(default_factory=lambda: [0, 0, 0])  # both, gold, system
    story_reports: list[int] = field(default_factory=lambda: [0, 0])  # aligned, gold
    ledger: list[int] = field(default_factory=lambda: [0, 0, 0])  # right, found, gold threats
    errors: list[dict] = field(default_factory=list)

    def _field(self, name: str, ok: bool) -> None:
        slot = self.fields.setdefault(name, [0, 0])
        slot[0] += ok
        slot[1] += 1

    @property
    def recall(self) -> float:
        return self.matched_required / self.gold_required if self.gold_required else 0.0

    @property
    def precision(self) -> float:
        scored = self.system - self.system_ignored
        return self.system_right / scored if scored else 0.0

    @property
    def events(self) -> PRF:
        p, r = self.precision, self.recall
        return PRF(p, r, 2 * p * r / (p + r) if p + r else 0.0, self.gold_required)

    def field_accuracy(self, name: str) -> float | None:
        right, n = self.fields.get(name, [0, 0])
        return right / n if n else None

    def as_dict(self) -> dict:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        both, gold_pairs, system_pairs = self.merge_pairs
        mp, mr = ratio(both, system_pairs), ratio(both, gold_pairs)
        return {
            "split": self.split,
            "articles": self.articles,
            "gold_events": {"required": self.gold_required, "optional": self.gold_optional},
            "coded_events": self.system,
            "coded_ignored_cut_sentence": self.system_ignored,
            "events": self.events.as_dict(),
            "events_type_only": {
                "recall": ratio(self.typed_required, self.gold_required),
                "precision": ratio(self.typed_right, self.system - self.system_ignored),
            },
            "type_accuracy": ratio(self.located_typed, self.located),
            "located_pairs": self.located,
            "fields": {k: {"accuracy": ratio(*v), "scored": v[1]} for k, v in sorted(self.fields.items())},
            "per_type": {t: _per_type(*v).as_dict() for t, v in sorted(self.per_type.items())},
            "confusions": {f"{g}->{s}": n for (g, s), n in self.confusions.most_common(12)},
            "story_merge": {
                "precision": mp, "recall": mr,
                "f1": round(2 * mp * mr / (mp + mr), 4) if mp and mr else 0.0,
                "pairs": {"both": both, "gold": gold_pairs, "system": system_pairs},
                "reports_aligned": self.story_reports[0], "reports": self.story_reports[1],
            },  # fmt: skip
            "ledger": {"accuracy": ratio(self.ledger[0], self.ledger[2]), "right": self.ledger[0],
                       "in_ledger": self.ledger[1], "threats": self.ledger[2]},  # fmt: skip
        }


def _per_type(matched_gold: int, gold: int, right: int, coded: int) -> PRF:
    p = right / coded if coded else 0.0
    r = matched_gold / gold if gold else 0.0
    return PRF(p, r, 2 * p * r / (p + r) if p + r else 0.0, gold)


def _type_key(ev: dict, system: bool = False) -> str:
    if system:
        root = str(ev.get("cameo_code") or "")[:2]
        # a coded appeal or statement (CAMEO 02/01) stands with the gold's typeless 01/02 events
        return f"CAMEO{root}" if root in ("01", "02") or not ev.get("event_type") else ev["event_type"]
    return ev.get("type") or f"CAMEO{str(ev.get('cameo') or '')[:2]}"


def _attribution_ok(g, s) -> bool:
    if not g:
        return not s
    if not s:
        return False
    if g.get("country") and s.get("country") == g["country"]:
        return True
    content = {w for w in _words(g.get("text")) if len(w) > 3}
    return bool(content & set(_words(s.get("text"))))


def _score_fields(scores: RealNewsScores, g: dict, s: dict) -> list[str]:
    wrong = []

    def check(name: str, ok: bool) -> None:
        scores._field(name, ok)
        if not ok:
            wrong.append(name)

    check("modality", s.get("modality") == g.get("modality"))
    check("attribution", _attribution_ok(g.get("attribution"), s.get("attribution")))
    if g.get("date"):
        got = s.get("event_date")
        check("date", got is not None and str(got)[:10] == g["date"])
    if g.get("place") and g["place"].get("country"):
        check("place", (s.get("location") or {}).get("country") == g["place"]["country"])
    if g.get("dead") is not None or g.get("injured") is not None:
        check("casualties", s.get("dead") == g.get("dead") and s.get("injured") == g.get("injured"))
    return wrong


def _last_sentence(system: list[dict]) -> int:
    return max((s.get("sentence_index") or 0 for s in system), default=-1)


def evaluate_realnews(folder: str | Path, split: str = "dev", pipeline=None, *, keep_errors: bool = True) -> RealNewsScores:
    from ..ingest.readers import record_item
    from ..pipeline import IngestOptions, Pipeline
    from ..store import Store
    from ..stories import update_stories
    from ..stories.ledger import threat_ledger

    articles_path, articles, gold = load_realnews(folder, split)
    pipeline = pipeline or Pipeline()
    scores = RealNewsScores(split=split, articles=len(articles))
    with Store(":memory:") as store:
        # the records are ingested as `sitroom ingest` reads a JSONL line (extra fields ignored)
        items = (record_item(f"{articles_path}#line {n}", "jsonl", a) for n, a in enumerate(articles.values(), 1))
        pipeline.ingest_items(items, store, IngestOptions())
        update_stories(store)
        coded: dict[str, list[dict]] = {}
        for row in store.iter_public_events():
            coded.setdefault(row["article_id"], []).append(row)
        ledger = {e.story_id: e for e in threat_ledger(store)}

    story_of: list[tuple[str, str | None]] = []  # (gold story slug, system story id) per aligned report
    for article_id, article in articles.items():
        g_events, s_events = gold[article_id], coded.get(article_id, [])
        scores.gold_required += sum(1 for g in g_events if g.get("required", True))
        scores.gold_optional += sum(1 for g in g_events if not g.get("required", True))
        scores.system += len(s_events)
        for g in g_events:
            if g.get("required", True):
                scores.per_type.setdefault(_type_key(g), [0, 0, 0, 0])[1] += 1
        for s in s_events:
            scores.per_type.setdefault(_type_key(s, True), [0, 0, 0, 0])[3] += 1
        pairs = match_article(g_events, s_events)
        typed = match_article(g_events, s_events, require_sides=False)
        placed = match_article(g_events, s_events, require_type=False)  # same words, whatever the type
        scores.typed_right += len(typed)
        scores.typed_required += sum(1 for gi, _ in typed if g_events[gi].get("required", True))
        matched_s = {si for _, si in pairs}
        matched_g = {gi for gi, _ in pairs}
        for gi, si in pairs:
            g, s = g_events[gi], s_events[si]
            scores.system_right += 1
            scores.per_type.setdefault(_type_key(s, True), [0, 0, 0, 0])[2] += 1
            if g.get("required", True):
                scores.matched_required += 1
                scores.per_type[_type_key(g)][0] += 1
            wrong = _score_fields(scores, g, s)
            if wrong and keep_errors:
                scores.errors.append({"kind": "field", "fields": wrong, "article": article_id, "quote": g["quote"],
                                      "gold": {k: g.get(k) for k in ("modality", "attribution", "date", "place", "dead", "injured")},
                                      "coded": {k: s.get(k) for k in ("trigger", "modality", "attribution", "event_date", "location", "dead", "injured")}})  # fmt: skip
        # type accuracy: pairs located together, whatever their types
        for gi, si in placed:
            if not trigger_near(g_events[gi], s_events[si]):
                continue
            scores.located += 1
            same = type_ok(g_events[gi], s_events[si])
            scores.located_typed += same
            if not same:
                scores.confusions[(_type_key(g_events[gi]), _type_key(s_events[si], True))] += 1
        cut = _last_sentence(s_events) if article.get("truncated") else None
        for si, s in enumerate(s_events):
            if si in matched_s:
                continue
            if cut is not None and s.get("sentence_index") == cut:
                scores.system_ignored += 1
                continue
            if keep_errors:
                scores.errors.append({"kind": "false positive", "article": article_id, "sentence": s.get("sentence"),
                                      "coded": {"trigger": s.get("trigger"), "type": s.get("event_type"), "cameo": s.get("cameo_code"),
                                                "actor": sorted(_countries(s.get("actor"))), "recipient": sorted(_countries(s.get("recipient"))),
                                                "modality": s.get("modality")}})  # fmt: skip
        for gi, g in enumerate(g_events):
            if gi in matched_g or not g.get("required", True):
                continue
            if keep_errors:
                scores.errors.append({"kind": "missed", "article": article_id, "quote": g["quote"], "trigger": g["trigger"],
                                      "gold": {"type": g.get("type"), "cameo": g.get("cameo"),
                                               "actor": sorted(_countries(g.get("actor"))), "recipient": sorted(_countries(g.get("recipient"))),
                                               "modality": g.get("modality")}})  # fmt: skip
        # stories and the ledger: align every gold report (located, type-agnostic when needed)
        aligned = dict(pairs)
        taken = set(aligned.values())
        for gi, si in placed:
            if gi not in aligned and si not in taken:
                aligned[gi] = si
                taken.add(si)
        for gi, g in enumerate(g_events):
            if g.get("story"):
                scores.story_reports[1] += 1
                si = aligned.get(gi)
                if si is not None:
                    scores.story_reports[0] += 1
                    story_of.append((g["story"], s_events[si].get("story_id")))
            threat = g.get("threat")
            if isinstance(threat, dict) and threat.get("status") in _STATUS:
                scores.ledger[2] += 1
                si = aligned.get(gi)
                entry = ledger.get(s_events[si].get("story_id")) if si is not None else None
                scores.ledger[1] += entry is not None
                right = entry is not None and entry.status == _STATUS[threat["status"]]
                scores.ledger[0] += right
                if not right and keep_errors:
                    scores.errors.append({"kind": "ledger", "article": article_id, "quote": g["quote"], "gold": threat["status"],
                                          "coded": entry.status if entry else None})  # fmt: skip
    for (ga, sa), (gb, sb) in combinations(story_of, 2):
        same_gold, same_system = ga == gb, sa is not None and sa == sb
        scores.merge_pairs[0] += same_gold and same_system
        scores.merge_pairs[1] += same_gold
        scores.merge_pairs[2] += same_system
    return scores
