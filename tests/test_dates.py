from datetime import date

import pytest

from sitroom.ingest.dates import find_full_date, publication_date_from_text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Tuesday, March 4, 2025", date(2025, 3, 4)),
        ("Published: April 11, 2024 at 10:02 GMT", date(2024, 4, 11)),
        ("14 April 2024", date(2024, 4, 14)),
        ("Sept. 3, 2023", date(2023, 9, 3)),
        ("2024-04-19T08:00:00Z", date(2024, 4, 19)),
        ("April 31, 2024", None),  # no such day
        ("in April 2024", None),  # no day: not a publication date
    ],
)
def test_find_full_date(text, expected):
    assert find_full_date(text) == expected


def test_dateline_in_first_lines():
    body = "TEHRAN, April 2 (Wire) -\nTuesday, April 2, 2024\n\nIran vowed to respond."
    assert publication_date_from_text(body) == date(2024, 4, 2)


def test_date_deep_in_the_story_is_not_the_publication_date():
    body = "\n".join(["Iran vowed to respond."] * 6 + ["The deal was signed on July 14, 2015."])
    assert publication_date_from_text(body) is None


def test_caption_date_is_used_when_the_body_has_none():
    body = "\n".join(["Iran vowed to respond."] * 6)
    caption = "Smoke rises over Damascus, Syria, April 1, 2024. Photo: Agency/Name"
    assert publication_date_from_text(body, [caption]) == date(2024, 4, 1)
