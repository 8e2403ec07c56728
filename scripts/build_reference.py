"""Convert USDA SR24 (``../shared/data/usda-sr24``) into the project's compact reference tables.

Writes ``foods/data/usda_sr24_reference.csv.gz`` (one row per food, the nutrient keys of
``foods/data/nutrients.csv`` per 100 g edible portion, vitamin D converted from IU to µg) and
``foods/data/usda_sr24_portions.csv.gz`` (household measures). Empty cells ("not analysed")
stay empty. Output is byte-for-byte reproducible (gzip mtime 0, fixed float format).

Usage: ``python scripts/build_reference.py [SR24_DIR]``.
"""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "foods" / "data"
DEFAULT_SRC = ROOT.parent / "shared" / "data" / "usda-sr24"


def write_gz_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as a gzip CSV whose bytes do not depend on the time of writing."""
    text = frame.to_csv(index=False, float_format="%.6g", lineterminator="\n")
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as gz:
        gz.write(text.encode("utf-8"))
    path.write_bytes(buf.getvalue())


def main(src: Path = DEFAULT_SRC) -> None:
    nutrients = pd.read_csv(DATA / "nutrients.csv")
    foods = pd.read_csv(src / "foods.csv", dtype={"ndb_no": str, "food_group_code": str})
    out = foods[["ndb_no", "name", "food_group"]].copy()
    for row in nutrients.itertuples():
        out[row.key] = foods[row.sr24_column] * float(row.sr24_factor)
    write_gz_csv(out, DATA / "usda_sr24_reference.csv.gz")
    portions = pd.read_csv(src / "portions.csv", dtype={"ndb_no": str})
    write_gz_csv(portions, DATA / "usda_sr24_portions.csv.gz")
    print(f"reference: {len(out)} foods, {len(nutrients)} nutrients; portions: {len(portions)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SRC)
