"""Named crash points, for testing crash recovery only.

A test sets ``SITROOM_FAULT`` to the name of one point and runs a real
``sitroom`` process; when the process reaches that point it kills itself
with SIGKILL, as a power cut or ``kill -9`` would. With the variable unset
(always, outside tests) every point does nothing.

Points: ``articles-written`` (inside the write of a batch: articles inserted,
sentences and events not yet, nothing committed), ``events-written`` (a
batch committed, the story stage not run yet; also after each batch of
``sitroom recode``), ``stories-writing`` (inside the story stage's write of a batch of
story membership: copy checks committed, the batch's assignments inserted and
nothing else of it, nothing of it committed; also inside the write of story reviews),
``recode-writing`` (inside the write of a ``sitroom recode`` batch: the old
sentences and events deleted, the new ones inserted, nothing committed),
``text-index-step`` (inside a step of building the text index of a migrated
store: the step's words and postings inserted, nothing of the step committed).

One more does not kill: ``code-article:ID`` makes coding the article with that
id raise an error, as a bug in a rule would, in whichever process codes it
(the variable passes to worker processes).
"""

from __future__ import annotations

import os
import signal

__all__ = ["CodingFault", "coding_fault", "fault_point"]

ENV = "SITROOM_FAULT"


def fault_point(name: str) -> None:
    """Kill this process at once if ``$SITROOM_FAULT`` names this point; else nothing."""
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


class CodingFault(RuntimeError):
    """The error ``coding_fault`` raises."""


def coding_fault(article_id: str) -> None:
    """Raise ``CodingFault`` if ``$SITROOM_FAULT`` is ``code-article:`` plus this article's id; else nothing."""
    fault = os.environ.get(ENV)
    if fault is not None and fault == f"code-article:{article_id}":
        raise CodingFault(f"fault injected while coding {article_id}")
