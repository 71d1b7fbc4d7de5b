"""Wire copies and re-posts: near-identical article bodies, found with
MinHash signatures and locality-sensitive hashing (datasketch).

An article's body (the cleaned text, without its headline) is cut into
overlapping five-word shingles; its MinHash signature (128 permutations) is
stored, so later runs compare new articles with every stored one without
re-reading them. The LSH index proposes candidates; a candidate whose
estimated Jaccard similarity reaches ``threshold`` (0.7: a reprint with a new
headline and a paragraph dropped or added still passes, two reports of one
event in different words do not) makes the new article a copy. A copy
belongs to the copy group of the article it matches best; the group is
named by its first article, and its events count as one source.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

__all__ = ["BANDS", "CopyFinder", "CopyMatch", "NUM_PERM", "SHINGLE_WORDS", "THRESHOLD", "band_hashes", "signature"]

NUM_PERM = 128
SHINGLE_WORDS = 5
THRESHOLD = 0.7
_SEED = 20240401
_SCHEME = "affine32"
_WORD = re.compile(r"\w+", re.UNICODE)
_MAX_CHARS = 200_000  # enough to tell copies apart; bounds the work on huge texts


@dataclass(slots=True, frozen=True)
class CopyMatch:
    article_id: str
    copy_of: str | None  # the first article of its copy group, None when it is an original
    similarity: float | None  # estimated Jaccard similarity with the closest earlier article


def _shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text[:_MAX_CHARS].lower())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The permutations of every signature (drawn from ``_SEED``), drawn once."""
    return MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME).permutations


def signature(text: str) -> np.ndarray:
    """The MinHash signature of an article body (uint32, ``NUM_PERM`` values)."""
    mh = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME, permutations=_permutations(), hashfunc=int)
    # the shingles' hashes as the scheme's own hash (datasketch's sha1_hash32: the first four bytes of
    # the SHA-1 digest, little-endian) would give them, computed in one pass instead of a call each;
    # the signature takes the minimum over them, so their order does not matter
    sha1 = hashlib.sha1
    mh.update_batch([int.from_bytes(sha1(s).digest()[:4], "little") for s in _shingles(text)])
    return mh.hashvalues.astype(np.uint32)


def _bands(threshold: float = THRESHOLD) -> tuple[tuple[int, int], ...]:
    """The (start, end) of each LSH band, as ``MinHashLSH`` cuts a signature at ``threshold``."""
    return tuple(MinHashLSH(threshold=threshold, num_perm=NUM_PERM).hashranges)


BANDS = _bands()


@functools.cache
def _lsh_params(threshold: float) -> tuple[int, int]:
    """The (bands, rows) ``MinHashLSH`` chooses for ``threshold`` (by numerical integration: worked
    out once, not for every index)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return lsh.b, lsh.r
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


def band_hashes(signatures: np.ndarray) -> np.ndarray:
    """One stable 64-bit hash (as int64) per LSH band of each signature (rows of uint32 values):
    articles that share a band in the LSH index share its hash, so stored articles that may copy a
    new one are found with an equality join in the store. Unequal bands collide about once in 2^64
    pairs; a collision only makes an article a candidate, which the LSH index then checks."""
    sigs = np.atleast_2d(np.asarray(signatures, dtype=np.uint64))
    out = np.empty((sigs.shape[0], len(BANDS)), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for b, (start, end) in enumerate(BANDS):
            h = np.full(sigs.shape[0], np.uint64(b + 1) * _MIX[0], dtype=np.uint64)
            for i in range(start, end):  # splitmix64 over the band's values
                h = (h ^ sigs[:, i]) * _MIX[1]
                h ^= h >> np.uint64(31)
            h = (h ^ (h >> np.uint64(30))) * _MIX[2]
            out[:, b] = h ^ (h >> np.uint64(31))
    return out.view(np.int64)


def _lean(values: Iterable[int]) -> LeanMinHash:
    return LeanMinHash(seed=_SEED, hashvalues=np.asarray(list(values), dtype=np.uint64), scheme=_SCHEME)


class CopyFinder:
    """Knows the signatures it is given (stored articles, then new ones); tells whether a new article copies one."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, params=_lsh_params(threshold))
        self._sigs: dict[str, LeanMinHash] = {}
        self._group: dict[str, str] = {}  # article -> first article of its copy group

    def __len__(self) -> int:
        return len(self._sigs)

    def load(self, article_id: str, values: Iterable[int], copy_of: str | None) -> None:
        """An article already stored, with its signature and copy group."""
        self._insert(article_id, _lean(values), copy_of)

    def _insert(self, article_id: str, sig: LeanMinHash, copy_of: str | None) -> None:
        if article_id in self._sigs:
            return
        self._sigs[article_id] = sig
        self._group[article_id] = copy_of or article_id
        self._lsh.insert(article_id, sig)

    def add(self, article_id: str, values: np.ndarray) -> CopyMatch:
        """Register a new article (in publication order) and say what it copies."""
        sig = _lean(values)
        best, best_sim = None, 0.0
        for other in self._lsh.query(sig):
            if other == article_id:
                continue
            sim = sig.jaccard(self._sigs[other])
            if sim >= self.threshold and (sim > best_sim or (sim == best_sim and other < best)):
                best, best_sim = other, sim
        copy_of = self._group[best] if best is not None else None
        self._insert(article_id, sig, copy_of)
        return CopyMatch(article_id, copy_of, round(best_sim, 4) if best is not None else None)
