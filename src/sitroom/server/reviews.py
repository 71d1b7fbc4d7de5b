"""The review routes of the HTTP API (docs/api.md, "Reviews"): the same reviews as
``sitroom review``, over the app's one store. Every write needs the server's token
(``Authorization: Bearer <SITROOM_TOKEN>``, as ``POST /api/articles``): 403 when the
server has none, 401 without the right one. Listing reviews is a read."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from .. import review
from ..errors import ReviewError
from .app import ApiError, Json, parse_json_body
from .schema import (
    EventReviewIn, LinkReviewIn, MergeIn, Reviews, SplitIn, ThreatReviewIn, UndoIn, errors, review_body,
)  # fmt: skip

__all__ = ["router"]

router = APIRouter(tags=["reviews"])
EventId = Annotated[str, Path(max_length=100, description="An event id (sitroom events).")]
StoryId = Annotated[str, Path(max_length=100, description="A story id (S000123).")]
ReviewId = Annotated[str, Path(max_length=100, description="A review id (R12).")]
_WRITE = {**errors(400, 401, 403, 404, 413, 422)}


def _extra(model: type[BaseModel]) -> dict:
    return {"requestBody": review_body(model), "security": [{"bearer": []}]}


def _authorised(request: Request) -> None:
    token = getattr(request.app.state, "sitroom_token", None)
    if not token:
        raise ApiError(403, "writes are disabled: start the server with SITROOM_TOKEN set to accept reviews")
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
        raise ApiError(401, "missing or wrong token: send 'Authorization: Bearer <SITROOM_TOKEN>'")


async def _body(request: Request, model: type[BaseModel]) -> Any:
    payload = parse_json_body(await request.body())
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "body"
        raise ApiError(422, f"{where}: {first.get('msg', 'invalid')}") from None


async def _write(request: Request, make: Callable[[Any], Any], status: int = 200) -> Json:
    """Run one review function on the writable store, under the write lock; the reviews it made, as listed."""
    state = request.app.state.sitroom

    def run() -> Json:
        with state.write_lock:
            store = state.reader()
            try:
                made = make(store)
            except ReviewError as exc:
                raise ApiError(404 if exc.missing else 422, str(exc)) from None
            made = made if isinstance(made, list) else [made]
            ids = {r.review_id for r in made}
            return Json({"items": [r for r in review.list_reviews(store) if r["review_id"] in ids]}, status_code=status)

    return await run_in_threadpool(run)


@router.patch("/api/events/{event_id}", summary="Review an event: confirm, reject, correct (needs SITROOM_TOKEN)",
              responses={200: {"model": Reviews}, **_WRITE}, openapi_extra=_extra(EventReviewIn))  # fmt: skip
async def review_event(request: Request, event_id: EventId):
    _authorised(request)
    body: EventReviewIn = await _body(request, EventReviewIn)
    return await _write(request, lambda store: review.review_event(
        store, event_id, confirm=body.status == "confirmed", reject=body.status == "rejected",
        event_type=body.event_type, actor=body.actor, recipient=body.recipient, by=body.by, note=body.note,
    ))  # fmt: skip


@router.post("/api/stories/merge", status_code=201, summary="Merge two stories (needs SITROOM_TOKEN)",
             responses={201: {"model": Reviews}, **_WRITE}, openapi_extra=_extra(MergeIn))  # fmt: skip
async def merge_stories(request: Request):
    _authorised(request)
    body: MergeIn = await _body(request, MergeIn)
    first, second = body.stories
    return await _write(request, lambda store: review.merge_stories(store, first, second, by=body.by, note=body.note), 201)


@router.post("/api/stories/split", status_code=201, summary="Split an event out of its story (needs SITROOM_TOKEN)",
             responses={201: {"model": Reviews}, **_WRITE}, openapi_extra=_extra(SplitIn))  # fmt: skip
async def split_event(request: Request):
    _authorised(request)
    body: SplitIn = await _body(request, SplitIn)
    return await _write(request, lambda store: review.split_event(store, body.event_id, by=body.by, note=body.note), 201)


@router.patch("/api/stories/{story_id}/link", summary="Confirm or reject a response link (needs SITROOM_TOKEN)",
              responses={200: {"model": Reviews}, **_WRITE}, openapi_extra=_extra(LinkReviewIn))  # fmt: skip
async def review_link(request: Request, story_id: StoryId):
    _authorised(request)
    body: LinkReviewIn = await _body(request, LinkReviewIn)
    action = "confirm" if body.status == "confirmed" else "reject"
    return await _write(request, lambda store: review.review_link(store, story_id, action=action, to=body.to, by=body.by,
                                                                  note=body.note))  # fmt: skip


@router.patch("/api/threats/{story_id}", summary="Set a threat's status (needs SITROOM_TOKEN)",
              responses={200: {"model": Reviews}, **_WRITE}, openapi_extra=_extra(ThreatReviewIn))  # fmt: skip
async def review_threat(request: Request, story_id: StoryId):
    _authorised(request)
    body: ThreatReviewIn = await _body(request, ThreatReviewIn)
    return await _write(request, lambda store: review.review_threat(store, story_id, status=body.status,
                                                                    by_story=body.by_story, by=body.by, note=body.note))  # fmt: skip


@router.post("/api/reviews/{review_id}/undo", summary="Undo a review (needs SITROOM_TOKEN)",
             responses={200: {"model": Reviews}, **_WRITE}, openapi_extra=_extra(UndoIn))  # fmt: skip
async def undo_review(request: Request, review_id: ReviewId):
    _authorised(request)
    body: UndoIn = await _body(request, UndoIn)
    return await _write(request, lambda store: review.undo_review(store, review_id, by=body.by))


@router.get("/api/reviews", summary="Every review, applied, orphaned or undone",
            responses={200: {"model": Reviews}, **errors(400)})  # fmt: skip
def list_reviews(request: Request):
    return {"items": review.list_reviews(request.app.state.sitroom.reader())}
