"""Ingestion: readers for every article format, and the cleaner."""

from .clean import Cleaned, clean
from .dates import publication_date_from_text
from .readers import DEFAULT_MAX_BYTES, count_files, iter_items

__all__ = ["DEFAULT_MAX_BYTES", "Cleaned", "clean", "count_files", "iter_items", "publication_date_from_text"]
