#!/usr/bin/env python3
"""Validate the Consorcia seed data in this folder.

    python3 check_seed.py                      # structure and cross-references
    python3 check_seed.py --report PATH.txt    # also check faithfulness against the 2015 report

Checks: every file parses as JSON and is pretty-printed exactly as `json.dumps(obj, indent=2,
ensure_ascii=False)` writes it (so diffs stay stable); ids are unique lowercase slugs; enums hold;
every sector code, organization id and country code referenced anywhere resolves; every
`source` uses the citation grammar described in README.md. With --report it also checks that
every figure's `as_stated` text, every presentation title, every printed e-mail/phone and every
Spanish conclusion/recommendation occurs verbatim in the report (whitespace collapsed), and that
each figure's text occurs in the section(s) its `source` cites.
Exit status 0 when everything passes, 1 otherwise.
"""

import json
import pathlib
import re
import sys
import unicodedata

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
# The sector taxonomy is reference data every service reads; the debates seed the forum.
LOCATION = {
    "sectors.json": ROOT / "shared" / "reference",
    "debates.json": ROOT / "services" / "forum" / "seed",
}
FILES = [
    "sectors.json",
    "countries.json",
    "organizations.json",
    "financing_programmes.json",
    "documents.json",
    "people.json",
    "debates.json",
]
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REGIONS = {"south_america", "central_america", "caribbean", "north_america", "europe", "other"}
KINDS = {"agency", "business_association", "regional_body", "consortium", "sme"}
AGENCY_TYPES = {"government_focal_point", "trade_promotion", None}
INSTRUMENTS = {"grant", "credit", "guarantee", "factoring", "co_financing", "technical_assistance", None}
CATEGORIES = {
    "financing-factoring",
    "trust-governance",
    "consortium-manager",
    "logistics-supply",
    "market-access",
    "unido-methodology-training",
    "public-policy-tax",
    "sector-cosmetics",
    "sector-ict",
    "sector-agroindustry",
    "sector-handicrafts",
    "sector-furniture",
}
SESSIONS = {
    "Sesión inaugural",
    "Sesión introductoria",
    "Sesión I",
    "Sesión II",
    "Sesión III",
    "Sesión IV",
    "Sesión V",
}
CITE = re.compile(
    r"^(¶ (\d+)|Conclusión (\d+)|Recomendación (\d+)|Anexo (I|II|III|IV)|Clausura|"
    r"Conclusiones|Recomendaciones)$"
)

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def check_source(where, src, nullable=False):
    if src is None:
        if not nullable:
            err(where, "missing source")
        return []
    parts = src.split("; ")
    for p in parts:
        m = CITE.match(p)
        if not m:
            err(where, f"bad source citation {p!r}")
        elif m.group(2) and not 1 <= int(m.group(2)) <= 33:
            err(where, f"paragraph out of range {p!r}")
        elif m.group(3) and not 1 <= int(m.group(3)) <= 20:
            err(where, f"conclusion out of range {p!r}")
        elif m.group(4) and not 1 <= int(m.group(4)) <= 3:
            err(where, f"recommendation out of range {p!r}")
    return parts


def unique_ids(name, rows, key="id"):
    seen = set()
    for r in rows:
        i = r.get(key)
        if i in seen:
            err(name, f"duplicate {key} {i!r}")
        seen.add(i)
        if key == "id" and not (isinstance(i, str) and SLUG.match(i)):
            err(name, f"id is not a lowercase slug: {i!r}")
    return seen


def load():
    data = {}
    for f in FILES:
        p = LOCATION.get(f, HERE) / f
        try:
            raw = p.read_text(encoding="utf-8")
            obj = json.loads(raw)
        except Exception as e:  # noqa: BLE001 - report any parse failure
            err(f, f"does not parse: {e}")
            continue
        if raw != json.dumps(obj, indent=2, ensure_ascii=False) + "\n":
            err(f, "not in canonical form (json.dumps indent=2, ensure_ascii=False, trailing newline)")
        if raw != unicodedata.normalize("NFC", raw):
            err(f, "text is not NFC-normalized")
        data[f] = obj
    return data


def check(data):
    shapes = {f: list for f in FILES}
    shapes["people.json"] = dict
    for f, want in shapes.items():
        v = data.get(f)
        if v is None:
            continue
        rows = v.get("people") if want is dict and isinstance(v, dict) else v
        if (
            not isinstance(v, want)
            or not isinstance(rows, list)
            or not rows
            or not all(isinstance(r, dict) for r in rows)
        ):
            err(
                f,
                "unexpected shape (expected a non-empty list of objects"
                + (" under 'people')" if want is dict else ")"),
            )
            data.pop(f)
    try:
        _check(data)
    except (KeyError, TypeError, AttributeError) as e:
        err("seed", f"missing or mistyped field: {e!r}")


def _check(data):
    sectors = data.get("sectors.json", [])
    countries = data.get("countries.json", [])
    orgs = data.get("organizations.json", [])
    fins = data.get("financing_programmes.json", [])
    docs = data.get("documents.json", [])
    people_file = data.get("people.json", {})
    debates = data.get("debates.json", [])

    # sectors
    codes = {s["code"] for s in sectors}
    unique_ids("sectors.json", [{"id": s["code"]} for s in sectors])
    by_code = {s["code"]: s for s in sectors}
    for s in sectors:
        w = f"sectors.json[{s['code']}]"
        if s["parent"] is not None:
            if s["parent"] not in codes:
                err(w, f"parent {s['parent']!r} does not resolve")
            elif by_code[s["parent"]]["parent"] is not None:
                err(w, "parent is not a top-level family (two levels only)")
        for h in s["hs_chapters"]:
            if not (isinstance(h, str) and re.fullmatch(r"\d\d", h) and 1 <= int(h) <= 97):
                err(w, f"bad HS chapter {h!r}")
        if not s["name_es"] or not s["name_en"]:
            err(w, "missing name")
        check_source(w, s.get("source"), nullable=True)

    # countries
    iso = {c["iso2"] for c in countries}
    unique_ids("countries.json", countries, key="iso2")
    for c in countries:
        w = f"countries.json[{c['iso2']}]"
        if not re.fullmatch(r"[A-Z]{2}", c["iso2"]):
            err(w, "iso2 must be two upper-case letters")
        if c["region"] not in REGIONS:
            err(w, f"bad region {c['region']!r}")
        if c.get("participation") not in {"participant", "named"}:
            err(w, "participation must be 'participant' or 'named'")
        check_source(w, c.get("source"))

    def country_ok(w, c):
        if c is not None and c not in iso:
            err(w, f"country {c!r} not in countries.json")

    # organizations
    org_ids = unique_ids("organizations.json", orgs)
    for o in orgs:
        w = f"organizations.json[{o['id']}]"
        if o["kind"] not in KINDS:
            err(w, f"bad kind {o['kind']!r}")
        if o["agency_type"] not in AGENCY_TYPES:
            err(w, f"bad agency_type {o['agency_type']!r}")
        if o["agency_type"] is not None and o["kind"] != "agency":
            err(w, "agency_type set on a non-agency")
        country_ok(w, o["country"])
        for sc in o["sectors"]:
            if sc not in codes:
                err(w, f"sector {sc!r} not in sectors.json")
        for p in o["products"]:
            hs = p["hs_code"]
            if hs is not None and not re.fullmatch(r"\d{2}|\d{4}|\d{6}", hs):
                err(w, f"bad hs_code {hs!r}")
            if hs is None and p.get("hs_inferred"):
                err(w, "hs_inferred true without hs_code")
            if not p["description_es"] or not p["description_en"]:
                err(w, "product without bilingual description")
        for t in o["target_markets"]:
            if t not in iso and t not in REGIONS:
                err(w, f"target market {t!r} is neither a country nor a region")
        for k in ("member_count", "founded_year"):
            if o[k] is not None and not isinstance(o[k], int):
                err(w, f"{k} must be int or null")
        if o["website"] is not None:
            err(w, "website must be null unless the report states it")
        if not o["description_es"] or not o["description_en"]:
            err(w, "missing description")
        check_source(w, o["source"])
        for fk, f in o["figures"].items():
            if set(f) != {"value", "unit", "as_stated", "source"}:
                err(w, f"figure {fk} must have value, unit, as_stated, source")
            check_source(f"{w}.figures.{fk}", f.get("source"))

    def org_ok(w, i, nullable=True):
        if i is None:
            if not nullable:
                err(w, "organization required")
        elif i not in org_ids:
            err(w, f"organization {i!r} not in organizations.json")

    # financing programmes
    unique_ids("financing_programmes.json", fins)
    for f in fins:
        w = f"financing_programmes.json[{f['id']}]"
        org_ok(w, f["institution"])
        country_ok(w, f["country"])
        if f["instrument"] not in INSTRUMENTS:
            err(w, f"bad instrument {f['instrument']!r}")
        if f["instrument"] is None and f["instrument_inferred"]:
            err(w, "instrument_inferred true with null instrument")
        if f["link"] is not None:
            err(w, "link must be null unless the report states it")
        check_source(w, f["source"])

    # documents
    ids = unique_ids("documents.json", docs)
    for n in range(1, 21):
        if f"sp-rrce-di-{n:02d}-15" not in ids:
            err("documents.json", f"missing presentation sp-rrce-di-{n:02d}-15")
    for extra in ("conclusions-2015", "recommendations-2015"):
        if extra not in ids:
            err("documents.json", f"missing {extra}")
    for d in docs:
        w = f"documents.json[{d['id']}]"
        org_ok(w, d["organization"])
        country_ok(w, d["country"])
        if d["session"] not in SESSIONS:
            err(w, f"bad session {d['session']!r}")
        m = re.fullmatch(r"sp-rrce-di-(\d\d)-15", d["id"])
        if m and d["symbol"] != f"SP/RRCE/Di No. {int(m.group(1))}-15":
            err(w, "symbol does not match id")
        check_source(w, d["source"])
        for it in d.get("items", []):
            check_source(f"{w}.items[{it['number']}]", it["source"])

    # people
    if people_file.get("visibility") != "members_only":
        err("people.json", "top-level visibility must be 'members_only'")
    people = people_file.get("people", [])
    unique_ids("people.json", people)
    for p in people:
        w = f"people.json[{p['id']}]"
        org_ok(w, p["organization"], nullable=False)
        country_ok(w, p["country"])
        for e in ([p["email"]] if p["email"] else []) + p["other_emails"]:
            if "@" not in e:
                err(w, f"malformed e-mail {e!r}")
        check_source(w, p["source"])

    # debates
    unique_ids("debates.json", debates)
    for d in debates:
        w = f"debates.json[{d['id']}]"
        if d["category"] not in CATEGORIES:
            err(w, f"bad category {d['category']!r}")
        for k in ("title_es", "title_en", "opening_es", "opening_en"):
            if not d[k]:
                err(w, f"missing {k}")
        check_source(w, d["source"])


# ---------------------------------------------------------------- faithfulness against the report
def norm(s):
    s = unicodedata.normalize("NFC", s)
    s = re.sub(r"Secretaría Permanente\s+Cooperación Económica y Técnica\s+\d+\s+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def report_sections(raw):
    t = norm(raw)
    sec = {}
    body_end = t.index("II. CONCLUSIONES Y RECOMENDACIONES")
    pos, starts = 0, []
    for n in range(1, 34):
        p = t.find(f"{n}. ", pos) if n == 1 else t.find(f" {n}. ", pos)
        if not 0 <= p < body_end:
            raise ValueError(f"cannot locate ¶ {n}")
        starts.append(p)
        pos = p + 3
    starts.append(body_end)
    for i in range(33):
        sec[f"¶ {i + 1}"] = t[starts[i] : starts[i + 1]]
    c0 = t.index("Conclusiones 1. ", body_end)
    r0 = t.index("Recomendaciones 1. ", c0)
    cl = t.index("III. CLAUSURA", r0)
    sec["Conclusiones"], sec["Recomendaciones"] = t[body_end:r0], t[r0:cl]
    for label, a, b, n in (("Conclusión", c0, r0, 20), ("Recomendación", r0, cl, 3)):
        seg, q, ps = t[a:b], 0, []
        for k in range(1, n + 1):
            q = seg.find(f"{k}. ", q)
            ps.append(q)
            q += 3
        ps.append(len(seg))
        for k in range(n):
            sec[f"{label} {k + 1}"] = seg[ps[k] : ps[k + 1]]
    a1 = t.index("REUNIÓN REGIONAL SOBRE CONSORCIOS DE EXPORTACIÓN Lugar", cl)
    a2 = t.index("A N E X O I I ", a1)
    a3 = t.index("A N E X O I I I", a2)
    a4 = t.index("LISTA DE PARTICIPANTES", a3)
    sec.update(
        {
            "Clausura": t[cl:a1],
            "Anexo I": t[a1:a2],
            "Anexo II": t[a2:a3],
            "Anexo III": t[a3:a4],
            "Anexo IV": t[a4:],
        }
    )
    return t, sec


def check_report(data, path):
    t, sec = report_sections(pathlib.Path(path).read_text(encoding="utf-8"))

    def cited(src):
        return " ".join(sec[p] for p in src.split("; "))

    for o in data.get("organizations.json", []):
        for fk, f in o["figures"].items():
            if norm(f["as_stated"]) not in cited(f["source"]):
                err(f"organizations.json[{o['id']}].figures.{fk}", "as_stated not found in the cited section")
    for d in data.get("documents.json", []):
        w = f"documents.json[{d['id']}]"
        if d["id"].startswith("sp-rrce-di-") and norm(d["title"]).lower() not in t.lower():
            err(w, "title not found in report")
        if d["id"].startswith("sp-rrce-di-") and d["symbol"] not in cited(d["source"]):
            err(w, "symbol not found in the cited section")
        for it in d.get("items", []):
            if norm(it["text_es"]) not in sec[it["source"]]:
                err(f"{w}.items[{it['number']}]", "Spanish text is not verbatim")
    annex4 = sec["Anexo IV"]
    for p in data.get("people.json", {}).get("people", []):
        w = f"people.json[{p['id']}]"
        if p.get("in_participant_list") and p["name"] not in annex4:
            err(w, "name not in Annex IV")
        for e in ([p["email"]] if p["email"] else []) + p["other_emails"]:
            if e not in annex4:
                err(w, f"e-mail {e!r} not printed in Annex IV")
        if p["phone"] and norm(p["phone"]) not in annex4:
            err(w, f"phone {p['phone']!r} not printed in Annex IV")
        if not p.get("in_participant_list") and p["name"] not in t:
            err(w, "name not in report")


def main(argv):
    report = None
    if "--report" in argv:
        report = argv[argv.index("--report") + 1]
    data = load()
    check(data)
    if report:
        try:
            check_report(data, report)
        except (KeyError, TypeError, AttributeError, ValueError) as e:
            err("report check", f"could not run: {e!r}")
    counts = {f: (len(v["people"]) if f == "people.json" else len(v)) for f, v in data.items()}
    for f in FILES:
        print(f"{f:28} {counts.get(f, 'MISSING')}")
    if errors:
        print(f"\n{len(errors)} problem(s):")
        for e in errors:
            print("  -", e)
        return 1
    print(
        "\nOK: all files parse, are canonical, and every cross-reference resolves"
        + (" ; report faithfulness checks passed" if report else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
