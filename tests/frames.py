"""Small tidy evidence frames for the engine tests."""
import pandas as pd


def frame(cells, **item_columns):
    """Tidy frame from {evidence: [rating per hypothesis]} (hypotheses H1, H2, ...); None = unrated.

    Keyword arguments give per-item columns as {evidence: value}.
    """
    rows = []
    for evidence, ratings in cells.items():
        for index, rating in enumerate(ratings):
            row = {"evidence": evidence, "hypothesis": f"H{index + 1}", "rating": rating}
            row.update({column: values[evidence] for column, values in item_columns.items()})
            rows.append(row)
    return pd.DataFrame(rows)
