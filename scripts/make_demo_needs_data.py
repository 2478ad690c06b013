"""Makes the demo needs data in dashboard/demo/data/ from the published files in ../shared/data.

    python scripts/make_demo_needs_data.py [--shared ../shared/data]

The demo councils are fictional. Northshire's published figures are Derby's (E06000015) and
Southvale's are Leicester's (E06000016), re-labelled; both sit in the East Midlands. Northshire's
population is Trafford's (E08000009) mid-2024 estimate, with its wards renamed. England and the
region keep their real figures, so benchmarks are real. Rows are copied byte for byte otherwise.
Northshire's local data (EHC plans by ward and need) is made up from the population shares.
"""

import argparse
import csv
import io
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "dashboard" / "demo" / "data"
RELABEL = {
    "E06000015": ("E06000998", "Northshire", "998"),
    "E06000016": ("E06000999", "Southvale", "999"),
}
REGION = "E12000004"  # East Midlands
WARD_NAMES = [
    "Abbey Fields",
    "Ashby Cross",
    "Beacon Hill",
    "Brookfield",
    "Castle Green",
    "Cedar Park",
    "Dale End",
    "Eastgate",
    "Elm Bank",
    "Fairholme",
    "Garnet Vale",
    "Harbour",
    "Hollins",
    "Kingsmead",
    "Larkspur",
    "Meadowside",
    "Millbrook",
    "Northgate",
    "Oakwood",
    "Priory",
    "Riverside",
    "Stonebridge",
    "Thornley",
    "Westfield",
    "Wood End",
]
NEED_SHARES = {
    "ASD": 0.33,
    "SEMH": 0.19,
    "SLCN": 0.2,
    "MLD": 0.1,
    "SLD": 0.05,
    "PD": 0.04,
    "SPLD": 0.03,
    "PMLD": 0.02,
    "HI": 0.015,
    "VI": 0.01,
    "MSI": 0.005,
    "OTH": 0.01,
}


def slice_ees(source: Path, target: Path) -> int:
    data = source.read_bytes()
    has_bom = data.startswith(b"\xef\xbb\xbf")
    raw = data.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(raw))
    fields = reader.fieldnames
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n" if "\r\n" in raw[:2000] else "\n")
    writer.writeheader()
    kept = 0
    for row in reader:
        level = row["geographic_level"]
        keep = level == "National" or (level == "Regional" and row["region_code"] == REGION)
        if level == "Local authority" and row["new_la_code"] in RELABEL:
            code, name, old = RELABEL[row["new_la_code"]]
            row.update(new_la_code=code, la_name=name, old_la_code=old)
            keep = True
        if keep:
            writer.writerow(row)
            kept += 1
    target.write_text(out.getvalue(), encoding="utf-8-sig" if has_bom else "utf-8")
    return kept


def slice_population(source: Path, target: Path) -> tuple[int, list[tuple[str, str]]]:
    with source.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames
        rows = [row for row in reader if row["geography"] in ("Local authority", "Ward")]
    ward_codes = sorted({row["area_code"] for row in rows if row["geography"] == "Ward"})
    names = dict(zip(ward_codes, WARD_NAMES, strict=False))
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            if row["geography"] == "Local authority":
                row.update(area_code="E06000998", area_name="Northshire")
            else:
                row["area_name"] = names[row["area_code"]]
            writer.writerow(row)
    wards = [(code, names[code]) for code in ward_codes]
    persons = {row["area_code"]: int(row["all_ages"]) for row in rows if row["sex"] == "Persons"}
    return len(rows), [(code, name, persons[code]) for code, name in wards]


def local_ward_data(target: Path, wards) -> int:
    """EHC plans by ward and need for 2023/24 and 2024/25, in the local data template."""
    total_pop = sum(pop for _, _, pop in wards)
    lines = [
        "time_period,time_identifier,geographic_level,area_code,area_name,primary_need,age_band,setting,measure,value"
    ]
    for period, plans in (("202324", 2650), ("202425", 2890)):
        for n, (code, name, pop) in enumerate(wards):
            ward_plans = plans * pop / total_pop * (0.8 + (n % 5) * 0.1)
            for need, share in NEED_SHARES.items():
                value = round(ward_plans * share)
                cell = str(value) if value >= 5 else "c"  # small counts suppressed, as councils publish
                lines.append(f"{period},Academic year,Ward,{code},{name},{need},,,ehc_plans,{cell}")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    shared = Path(parser.parse_args().shared)
    OUT.mkdir(parents=True, exist_ok=True)
    a = slice_ees(
        shared / "ees" / "ehcp2025_sen_needs_all_plans_first6000.csv",
        OUT / "ehcp2025_sen_needs_all_plans.csv",
    )
    b = slice_ees(shared / "ees" / "ehcp2022_sen2_age_caseload.csv", OUT / "ehcp2022_sen2_age_caseload.csv")
    c, wards = slice_population(
        shared / "population" / "trafford_mid-2024_population_estimates_all_geographies_syoa.csv",
        OUT / "northshire_mid-2024_population_estimates_syoa.csv",
    )
    d = local_ward_data(OUT / "northshire_local_ehc_plans_by_ward.csv", wards)
    print(f"EES 2025: {a} rows; EES 2022: {b} rows; population: {c} rows; local: {d} rows")


if __name__ == "__main__":
    main()
