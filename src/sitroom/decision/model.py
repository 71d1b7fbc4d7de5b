"""The decision model: a multinomial logistic type head over hashed candidate
features, a logistic confidence head over the type head's output, and the
hybrid rule that joins the model's decision to the rules' proposal.

The file is one ``.npz`` (numpy arrays, no pickled objects) whose ``meta``
entry is JSON: format version, labels, thresholds, the CAMEO code used for
each type the model assigns, training data and cross-validated figures.
"""

from __future__ import annotations

import json
import math
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import DataFileError
from .features import N_FEATURES, Candidate, candidate_features, hashed
from .sides import FILL_VERSION

__all__ = ["DecisionModel", "FORMAT", "NONE", "Decision", "default_model_path", "load_model"]

FORMAT = "sitroom-decision/3"
NONE = "NONE"  # the label of a candidate that is no event
_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip
_PRONOUNS = frozenset("he she it they we its his her their this that".split())
CONFIDENCE_INPUTS = (
    "logit_final", "logit_none", "agree", "model_override", "actor_country", "recipient_country",
    "recipient_inferred", "asserted", "side_filled", "fill_logit", "actor_pronoun", "bias",
    *(f"type={t}" for t in _TYPES),
)  # fmt: skip


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


@dataclass(slots=True, frozen=True)
class Decision:
    event_type: str  # the type decided (the rules' when the model is not sure)
    decided_by: str  # rules, model, both
    confidence: float  # calibrated probability that the event is right as coded


@dataclass
class DecisionModel:
    labels: list[str]
    columns: np.ndarray  # int32: hashed feature columns the model knows, sorted
    weights: np.ndarray  # float32 (len(columns), len(labels))
    bias: np.ndarray  # float32 (len(labels),)
    confidence_weights: np.ndarray  # float64 (len(CONFIDENCE_INPUTS),)
    fill_weights: np.ndarray | None = None  # float32 (FILL_FEATURES,): the side filler (sides.py); None: no filling
    fill_threshold: float = 0.5  # a side is filled when the best option is at least this likely
    fill_version: int = FILL_VERSION  # the filler's features (sides.py); models saved before it was kept: 1
    # one sentence's candidates with an inferred side are merged like the others (stage.merge_key): how models
    # saved before this was kept chose their threshold
    merge_inferred: bool = False
    override: float = 0.6  # the model replaces the rules' type at or above this probability
    threshold: float = 0.5  # candidates below this confidence are dropped
    cameo_of: dict[str, str] = field(default_factory=dict)  # type -> CAMEO code when the model assigns it
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._row = {int(c): i for i, c in enumerate(self.columns)}
        self._none = self.labels.index(NONE)

    # --- scoring ---------------------------------------------------------------------------------

    def type_probabilities(self, candidate: Candidate) -> np.ndarray:
        return self.probabilities_of(hashed(candidate_features(candidate), N_FEATURES))

    def probabilities_of(self, columns: dict[int, float]) -> np.ndarray:
        rows = [self._row[c] for c in columns if c in self._row]
        scores = self.bias.astype(np.float64) + (self.weights[rows].sum(axis=0) if rows else 0.0)
        scores -= scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()

    def confidence_inputs(self, candidate: Candidate, probs: np.ndarray, final: str, decided_by: str) -> list[float]:
        e = candidate.event
        p_final = float(probs[self.labels.index(final)]) if final in self.labels else 0.0
        return [
            _logit(p_final),
            _logit(float(probs[self._none])),
            1.0 if decided_by == "both" else 0.0,
            1.0 if decided_by == "model" else 0.0,
            1.0 if any(r.country for r in e.actor) else 0.0,
            1.0 if any(r.country for r in e.recipient) else 0.0,
            1.0 if e.recipient and not any(r.text for r in e.recipient) else 0.0,
            1.0 if e.modality == "asserted" else 0.0,
            1.0 if candidate.filled else 0.0,
            _logit(candidate.fill_p) if candidate.filled else 0.0,
            1.0 if any(r.text.lower().split()[:1] and r.text.lower().split()[0] in _PRONOUNS for r in e.actor) else 0.0,
            1.0,
            *(1.0 if final == t else 0.0 for t in _TYPES),
        ]

    def hybrid(self, probs: np.ndarray, rules_type: str) -> tuple[str, str]:
        """(type, decided_by): the model's type where it is sure, else the rules'."""
        best = int(np.argmax(probs))
        label = self.labels[best]
        if label == rules_type:
            return rules_type, "both"
        if label != NONE and probs[best] >= self.override:
            return label, "model"
        return rules_type, "rules"

    def calibrated(self, inputs: list[float]) -> float:
        z = float(np.dot(self.confidence_weights, inputs))
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def decide(self, candidate: Candidate) -> Decision:
        probs = self.type_probabilities(candidate)
        final, by = self.hybrid(probs, candidate.event.event_type)
        return Decision(final, by, self.calibrated(self.confidence_inputs(candidate, probs, final, by)))

    # --- files -------------------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        p = Path(path)
        meta = dict(self.meta)
        meta.update(
            format=FORMAT, labels=self.labels, override=self.override, threshold=self.threshold,
            cameo_of=self.cameo_of, confidence_inputs=list(CONFIDENCE_INPUTS), n_features=N_FEATURES,
            fill_threshold=self.fill_threshold, fill_version=self.fill_version, merge_inferred=self.merge_inferred,
        )  # fmt: skip
        fill = self.fill_weights if self.fill_weights is not None else np.zeros(0, np.float32)
        tmp = p.with_name(p.name + ".tmp")
        with open(tmp, "wb") as fh:
            np.savez_compressed(
                fh,
                meta=np.array(json.dumps(meta, sort_keys=True)),
                columns=self.columns.astype(np.int32),
                weights=self.weights.astype(np.float16),
                bias=self.bias.astype(np.float32),
                confidence_weights=self.confidence_weights.astype(np.float64),
                fill_weights=fill.astype(np.float32),
            )
        os.replace(tmp, p)
        return p


def load_model(path: str | Path) -> DecisionModel:
    """Read a model file written by ``sitroom train``; a clear error for anything else."""
    p = Path(path)
    try:
        with np.load(p, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                found = meta.get("format") if isinstance(meta, dict) else None
                raise DataFileError(str(p), None, f"model format {found!r}, this Sitroom reads {FORMAT!r}: retrain it with `sitroom train`")
            arrays = {k: data[k] for k in ("columns", "weights", "bias", "confidence_weights", "fill_weights")}
    except FileNotFoundError:
        raise DataFileError(str(p), None, "model file not found") from None
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
        # empty, cut off, a bare .npy, or not numpy at all
        raise DataFileError(str(p), None, f"not a Sitroom decision model ({type(exc).__name__}: {exc})") from None
    if meta.get("n_features") != N_FEATURES or list(meta.get("confidence_inputs", [])) != list(CONFIDENCE_INPUTS):
        raise DataFileError(str(p), None, "model was trained with other features; retrain it with `sitroom train`")
    labels = meta["labels"]
    if arrays["weights"].shape != (len(arrays["columns"]), len(labels)) or NONE not in labels:
        raise DataFileError(str(p), None, "model arrays do not agree with its labels")
    return DecisionModel(
        labels=list(labels),
        columns=arrays["columns"],
        weights=arrays["weights"].astype(np.float32),
        bias=arrays["bias"],
        confidence_weights=arrays["confidence_weights"],
        fill_weights=arrays["fill_weights"] if len(arrays["fill_weights"]) else None,
        fill_threshold=float(meta.get("fill_threshold", 0.5)),
        fill_version=int(meta.get("fill_version", 1)),
        merge_inferred=bool(meta.get("merge_inferred", True)),
        override=float(meta["override"]),
        threshold=float(meta["threshold"]),
        cameo_of=dict(meta.get("cameo_of", {})),
        meta=meta,
    )


def default_model_path() -> Path:
    from ..datafiles import package_data

    return package_data("decision.npz")
