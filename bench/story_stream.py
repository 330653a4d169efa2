"""Many similar happenings in one stream: do stories hold one happening, and are the flagged
conflicts real? Generated news with its truth, run through the real pipeline.

The stream: N happenings of four kinds (earthquakes, quarterly results, shootings, floods),
several a week, reported by 3 to 6 outlets each within three days, in stock phrasing that every
happening of a kind shares ("A magnitude 6.1 earthquake struck ... on Tuesday, killing at least
14 people and injuring 241"), with invented places, companies and people so that nothing but
the names, dates and figures tells two happenings apart. Some reports disagree on purpose (a
planted contradiction: another injured count, depth, net income or magnitude), and some later
reports raise a toll (an update). Every article's figures are known.

Printed: story B3 (story_articles against the happening), the conflicts stored, how many join
two happenings, how many are planted disagreements (precision), how many planted ones were
found (recall), and a sample of 30 conflicts to read. The last line is one JSON object.

    python bench/story_stream.py [--happenings 300] [--seed 7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import string
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
FACTS = Path(sys.executable).parent / "facts"

_SYL = ["ka", "lo", "mi", "ra", "ven", "tor", "sa", "bel", "dun", "mar", "ti", "os", "ka", "lem", "ar", "zu", "nor",
        "vik", "pel", "an", "dre", "sol", "gar", "hu", "bri", "ta", "mon", "ces", "ly", "ro"]
OUTLETS = ["Daily Ledger", "Morning Post", "Evening Herald", "Coast Gazette", "Valley Times", "Wire Service"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def name(rng: random.Random, parts: int = 3) -> str:
    return "".join(rng.choice(_SYL) for _ in range(parts)).capitalize()


def quake(rng: random.Random, h: int) -> dict:
    return {"kind": "quake", "place": name(rng), "region": name(rng, 2) + " Province", "official": name(rng, 2),
            "agency": name(rng, 2) + " Seismological Institute",
            "figures": {"magnitude": round(rng.uniform(5.0, 7.4), 1), "depth": rng.choice([8, 10, 12, 15, 20, 33]),
                        "dead": rng.randint(3, 60), "injured": rng.randint(40, 400)}}


def results(rng: random.Random, h: int) -> dict:
    q = rng.randint(1, 4)
    return {"kind": "results", "company": name(rng) + " Holdings", "ceo": name(rng, 2) + " " + name(rng, 3),
            "quarter": q, "figures": {"revenue": round(rng.uniform(1.2, 40.0), 1), "net_income": rng.randint(120, 990),
                                      "employees": rng.randint(20, 90) * 1000}}


def shooting(rng: random.Random, h: int) -> dict:
    return {"kind": "shooting", "town": name(rng), "chief": name(rng, 2) + " " + name(rng, 3),
            "suspect": name(rng, 2) + " " + name(rng, 3),
            "figures": {"dead": rng.randint(1, 6), "injured": rng.randint(2, 12), "age": rng.randint(19, 64)}}


def flood(rng: random.Random, h: int) -> dict:
    return {"kind": "flood", "river": name(rng, 2) + " River", "town": name(rng), "governor": name(rng, 2) + " " + name(rng, 3),
            "figures": {"evacuated": rng.randint(3, 90) * 100, "dead": rng.randint(2, 30), "homes": rng.randint(2, 40) * 50}}


KINDS = [quake, results, shooting, flood]

# Stock sentences per kind, several wordings each (outlets copy the wire's phrasing).
TEMPLATES = {
    "quake": [
        ["A magnitude {magnitude} earthquake struck {place} in {region} on {day}, killing at least {dead} people and injuring {injured}.",
         "A {magnitude}-magnitude quake hit {place} on {day}; at least {dead} people died and {injured} were injured."],
        ["The quake struck at a depth of {depth} kilometres, the {agency} said.",
         "The {agency} said the tremor was {depth} km deep."],
        ["Rescue teams searched collapsed homes in {place} as the death toll rose to {dead}.",
         "Officials in {place} said {injured} people were taken to hospitals."],
        ["\"We are doing everything we can,\" said {official}, a provincial official."],
    ],
    "results": [
        ["{company} reported third-quarter revenue of ${revenue} billion on {day}, beating forecasts.",
         "{company} said on {day} its quarterly revenue rose to ${revenue} billion."],
        ["Net income was ${net_income} million, the company said.",
         "{company} posted net income of ${net_income} million for the quarter."],
        ["Chief executive {ceo} said the group employs {employees} people worldwide.",
         "The company, led by {ceo}, has {employees} employees."],
        ["Shares of {company} rose in early trading.", "Analysts said demand remained strong."],
    ],
    "shooting": [
        ["A gunman opened fire at an office in {town} on {day}, killing {dead} people and wounding {injured}.",
         "{dead} people were killed and {injured} injured in a shooting in {town} on {day}."],
        ["Police chief {chief} said the suspect, {suspect}, {age}, was arrested at the scene.",
         "The suspect, identified as {suspect}, {age}, was taken into custody, {chief} said."],
        ["Witnesses described hearing several shots.", "The building was evacuated and the street cordoned off."],
    ],
    "flood": [
        ["Floodwaters from the {river} forced {evacuated} people from their homes in {town} on {day}.",
         "About {evacuated} residents of {town} were evacuated on {day} as the {river} burst its banks."],
        ["At least {dead} people have died, Governor {governor} said.",
         "The death toll rose to {dead}, according to Governor {governor}."],
        ["The floods damaged {homes} homes in and around {town}.", "Some {homes} houses were flooded."],
    ],
}
# What may be planted per kind: a figure another report states otherwise (contradiction), and a
# toll a later report raises (update).
CONTRADICT = {"quake": ["injured", "depth", "magnitude"], "results": ["net_income"], "shooting": ["age", "injured"],
              "flood": ["homes"]}
RISES = {"quake": "dead", "flood": "dead", "shooting": None, "results": None}


def other_value(measure: str, v, rng: random.Random):
    if measure == "magnitude":
        return round(v + rng.choice([-0.3, -0.2, 0.2, 0.3]), 1)
    if isinstance(v, float):
        return round(v * rng.choice([0.8, 1.2]), 1)
    return v + rng.choice([-1, 1]) * max(2, round(v * rng.uniform(0.1, 0.3)))


def generate(n: int, seed: int) -> tuple[list[dict], dict[str, int], dict[str, dict[str, object]]]:
    """Articles ({id, published, text}), article -> happening, article -> {measure: value stated}."""
    rng = random.Random(seed)
    start = date(2026, 1, 5)
    articles, truth, stated = [], {}, {}
    for h in range(n):
        hap = rng.choice(KINDS)(rng, h)
        day0 = start + timedelta(days=int(h * 120 / n) + rng.randint(0, 2))
        n_reports = rng.randint(3, 6)
        planted = rng.random() < 0.3 and CONTRADICT[hap["kind"]]
        planted_measure = rng.choice(CONTRADICT[hap["kind"]]) if planted else None
        planted_report = rng.randrange(1, n_reports) if planted else None
        rising = RISES[hap["kind"]] if rng.random() < 0.3 else None
        for r in range(n_reports):
            published = day0 + timedelta(days=min(r, 2))
            figs = dict(hap["figures"])
            if planted_measure and r == planted_report:
                figs[planted_measure] = other_value(planted_measure, figs[planted_measure], rng)
            if rising and r == n_reports - 1 and published > day0:
                figs[rising] = figs[rising] + rng.randint(3, 9)
            fields = {**{k: v for k, v in hap.items() if isinstance(v, str)}, **figs,
                      "day": WEEKDAYS[day0.weekday()]}
            lines, used = [], set()
            for group in TEMPLATES[hap["kind"]]:
                if rng.random() < 0.85 or group is TEMPLATES[hap["kind"]][0]:
                    template = rng.choice(group)
                    lines.append(template.format(**fields))
                    used |= {f for _, f, _, _ in string.Formatter().parse(template) if f}
            outlet = OUTLETS[(h + r) % len(OUTLETS)]
            aid = f"h{h:04d}_r{r}"
            title = lines[0].split(",")[0][:80]
            byline = f"Reporting by {name(rng, 2)} {name(rng, 3)} for the {outlet}."  # no two reports one text
            articles.append({"id": aid, "published": published.isoformat(), "title": title, "source": outlet,
                             "text": title + "\n\n" + " ".join(lines) + "\n\n" + byline})
            truth[aid] = h
            stated[aid] = {k: v for k, v in figs.items() if k in used}
    return articles, truth, stated


def b3(pred: dict[str, str], gold: dict[str, int]) -> tuple[float, float, float]:
    by_p, by_g = collections.defaultdict(set), collections.defaultdict(set)
    for a in gold:
        by_p[pred.get(a, a)].add(a)
        by_g[gold[a]].add(a)
    p = sum(len(by_p[pred.get(a, a)] & by_g[gold[a]]) / len(by_p[pred.get(a, a)]) for a in gold) / len(gold)
    r = sum(len(by_p[pred.get(a, a)] & by_g[gold[a]]) / len(by_g[gold[a]]) for a in gold) / len(gold)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


SCALES = (1, 1e6, 1e9)  # net income is written in millions, revenue in billions


def number(x) -> float:
    return float(x)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--happenings", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", help="keep the input and the database in this folder")
    a = ap.parse_args()
    articles, truth, stated = generate(a.happenings, a.seed)
    folder = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="story_stream_"))
    folder.mkdir(parents=True, exist_ok=True)
    src, db = folder / "stream.jsonl", folder / "stream.duckdb"
    src.write_text("".join(json.dumps(x) + "\n" for x in articles), encoding="utf-8")
    if db.exists():
        db.unlink()
    t0 = time.perf_counter()
    subprocess.run([str(FACTS), "run", str(src), "--db", str(db)], check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - t0
    con = duckdb.connect(str(db), read_only=True)
    source = dict(con.execute("SELECT article_id, source_id FROM articles").fetchall())
    story = {source[aid]: sid for sid, aid in con.execute("SELECT story_id, article_id FROM story_articles").fetchall()}
    p, r, f = b3(story, truth)
    rows = con.execute("""
        SELECT c.kind, c.detail, c.value_a, c.value_b,
               (SELECT min(article_id) FROM fact_sources s WHERE s.fact_id = c.fact_id_a AND s.quote = c.quote_a),
               (SELECT min(article_id) FROM fact_sources s WHERE s.fact_id = c.fact_id_b AND s.quote = c.quote_b),
               c.quote_a, c.quote_b
        FROM conflicts c ORDER BY c.conflict_id""").fetchall()
    planted = set()  # (happening, measure, article pair) where two reports state two values
    by_hap = collections.defaultdict(list)
    for aid, h in truth.items():
        by_hap[h].append(aid)
    for h, aids in by_hap.items():
        for i, x in enumerate(aids):
            for y in aids[i + 1:]:
                for m in set(stated[x]) & set(stated[y]):
                    if stated[x][m] != stated[y][m]:
                        planted.add((h, m, min(x, y), max(x, y)))
    planted_pairs = {(h, m) for h, m, _, _ in planted}
    true_rows, cross, found = 0, 0, set()
    sample = []
    for kind, detail, va, vb, aa, ab, qa, qb in rows:
        x, y = source.get(aa), source.get(ab)
        ok = False
        if x is None or y is None or truth[x] != truth[y]:
            cross += 1
        else:
            for m in set(stated[x]) & set(stated[y]):
                if stated[x][m] != stated[y][m] and {number(stated[x][m]) * k for k in SCALES} & {va, vb}:
                    ok = True
                    found.add((truth[x], m))
        true_rows += ok
        sample.append((ok, kind, detail, qa[:70], qb[:70]))
    n = len(rows)
    print(f"{len(articles)} articles on {a.happenings} happenings, facts run {seconds:.1f} s")
    print(f"stories: B3 F1 {f:.3f} (P {p:.3f} R {r:.3f}), {len(set(story.values()))} stories")
    print(f"conflicts: {n} stored, {cross} join two happenings, {true_rows} planted disagreements "
          f"(precision {true_rows / n if n else 0:.3f}); planted found {len(found)}/{len(planted_pairs)}")
    rng = random.Random(1)
    for ok, kind, detail, qa, qb in rng.sample(sample, min(30, len(sample))):
        print(f"  {'real ' if ok else 'FALSE'} {kind:13} {detail[:60]!r:62} | {qa!r} <> {qb!r}")
    print(json.dumps({"articles": len(articles), "happenings": a.happenings, "story_b3_f1": round(f, 3),
                      "story_b3_p": round(p, 3), "story_b3_r": round(r, 3), "conflicts": n,
                      "conflicts_two_happenings": cross, "conflict_precision": round(true_rows / n, 3) if n else None,
                      "planted_found": len(found), "planted": len(planted_pairs), "seconds": round(seconds, 1)}))


if __name__ == "__main__":
    main()
