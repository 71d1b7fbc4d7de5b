"""The public Python surface stays what it is (a golden list)."""

import sitroom

EXPECTED = [
    "CODES", "ActorRef", "Article", "DataFileError", "Event", "FilterError", "IngestOptions", "IngestProblem", "IngestReport",
    "Pipeline", "RawItem", "Removal", "Sentence", "Situation", "SitroomError", "Store", "StoreError", "StoreLockedError",
    "__version__", "default_db_path", "open", "plot",
]  # fmt: skip


def test_exported_members():
    assert sorted(sitroom.__all__) == sorted(EXPECTED)
    for name in sitroom.__all__:
        assert getattr(sitroom, name) is not None, name


def test_version_matches_package_metadata():
    from importlib.metadata import version

    assert sitroom.__version__ == version("sitroom")
