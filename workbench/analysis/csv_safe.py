"""CSV that a spreadsheet opens as data, never as formulas (OWASP "CSV injection").

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets: an article titled
``=HYPERLINK("http://…?leak="&A1, …)`` would become a live link that sends the sheet's
cells away. Every CSV the workbench writes goes through ``safe_csv``, which prefixes such
text cells (and column names) with ``'`` as OWASP recommends, and quotes every text cell.

Numbers stay numbers: a value held in a numeric column (offsets, weights, scores) or a
Python/NumPy number is written as is, so ``-7.0`` in a score column is still ``-7.0``. The
rule is about text: the string ``"-7.00"`` in a title column is written ``'-7.00``.
"""
from __future__ import annotations

import csv
from typing import Any

import pandas as pd

__all__ = ["neutralise", "safe_csv", "FORMULA_STARTS"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP)."""


def neutralise(value: Any) -> Any:
    """A text cell made inert for spreadsheets; any other value unchanged.

    Args:
        value: a cell value.

    Returns:
        ``"'" + value`` when ``value`` is a string starting with one of ``FORMULA_STARTS``,
        else ``value`` itself.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _is_text(column: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column)
                or isinstance(column.dtype, pd.PeriodDtype))


def safe_csv(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text with formula-like text neutralised (the index is not written).

    Args:
        frame: the table to write; column names count as text cells too.

    Returns:
        CSV with a header row and ``\\n`` line ends; text cells quoted, numbers bare,
        missing values as ``""``.
    """
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if _is_text(column):
            out.isetitem(position, column.map(neutralise))
    out.columns = [neutralise(str(name)) for name in out.columns]
    return out.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
