"""Names in the query (core/textmatch.py): the Korean analyser's start-up and the query-time cost
of matching folder, file and people's names at 100,000 photos.

    .venv/bin/python bench/bench_textmatch.py            # 100k photos, 2,000 folders, 300 people
    .venv/bin/python bench/bench_textmatch.py --quick    # 20k

* kiwi: importing kiwipiepy and loading its model as textmatch loads it (no extra dictionaries,
  no thread pool), in a fresh process each time: seconds and resident memory added, medians;
* build: the in-memory name index read from a real catalog (SQLite, read-only connection), what
  the first search after the catalog changed pays (folders' and people's names; a folder's photo
  ids are read when a query names it), and the file names, read once a query word looks like one;
* check: the per-search "did the catalog change?" test when it did not (PRAGMA data_version);
* match: plan_query for typical queries (Korean with particles, English, file names, people,
  query arithmetic) with the analyser loaded, plus the photo ids of what matched: p50 and p95.

No CLIP here: bench_search.py and bench_text_query.py time the text tower and the vector search.

On the project's machine (AMD EPYC, 2 cores, AVX2 only, no bf16), shared with six other
engineers' tests at the time (load average 10 on 2 cores: every figure is inflated several
times), 100k photos, 1,363 folder names, 300 people, medians: kiwi start-up 7.3 s (6.0-11.3;
2.0-2.3 s measured at load 1.5 earlier) and +248 MB RSS, then 0.75 ms per short text; name index
build 180 ms; file names on the first file-like word 1.6 s; unchanged-catalog check 0.006 ms;
matching all queries p50 1.3 ms, p95 56 ms (a person's photos: 36 ms p50 for a name that 22 of
the 300 synthetic people share, 3,600 faces, through the faces_person index; folder and file
queries 0.3-1.6 ms p50).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine_line, scratch_dir  # noqa: E402

KIWI_PROBE = r"""
import resource, time, sys
def rss():
    with open('/proc/self/status') as f:
        return next(int(l.split()[1]) for l in f if l.startswith('VmRSS')) / 1024
before = rss()
t = time.perf_counter()
from photoindex.core.textmatch import ANALYZER
ANALYZER.nouns("제주도에서 찍은 사진")
dt = time.perf_counter() - t
t = time.perf_counter()
for q in ("민지랑 바닷가에서", "서연이가", "제주도여행", "하늘색 옷", "2019년 가족 여행"):
    ANALYZER.nouns(q)
per = (time.perf_counter() - t) / 5
print(dt, rss() - before, per)
"""

QUERIES = ["제주도", "제주도에서 찍은 사진", "민지", "민지 바닷가", "민지랑 바닷가에서", "IMG_1005", "IMG_100",
           "summer vacation", "dog on a beach at sunset", "강아지 + 2:노을 - 사람", "가족 + 2:생일 - 민지",
           "서연이랑 부산에서", "바닷가의 노을"]
KO_PLACES = ["제주도", "부산", "서울", "강릉", "경주", "여수", "속초", "전주", "대구", "인천"]
KO_WORDS = ["여행", "가족", "생일", "졸업식", "캠핑", "바다", "등산", "결혼식", "돌잔치", "일상", "회사", "친구들"]
EN_WORDS = ["Summer", "Vacation", "Trip", "Family", "Birthday", "Hiking", "Wedding", "Camping", "Work", "Misc"]
GIVEN = ["민지", "서연", "지우", "하은", "도윤", "시우", "주원", "하준", "예준", "지호", "수아", "지아", "Minji", "Alex"]


def make_catalog(dir_: Path, n: int, n_folders: int, n_people: int) -> Path:
    from photoindex.core.store.catalog import Catalog

    rng = random.Random(0)
    path = dir_ / "catalog.sqlite"
    cat = Catalog(path)
    roots = ["/home/user/Pictures", "/home/user/사진"]
    folders = []
    for i in range(n_folders):
        root = roots[i % 2]
        if i % 3 == 0:
            name = f"{2010 + i % 14} {rng.choice(KO_PLACES)} {rng.choice(KO_WORDS)}"
        elif i % 3 == 1:
            name = f"{rng.choice(EN_WORDS)} {rng.choice(EN_WORDS)} {i}"
        else:
            name = f"{rng.choice(KO_WORDS)}{rng.choice(KO_WORDS)}"
        parent = f"{2010 + i % 14}" if i % 2 else ""
        folders.append(os.path.join(root, parent, name))
    with cat.transaction():
        for r in roots:
            cat.conn.execute("INSERT INTO roots(path, added_at) VALUES (?, 0)", (r,))
        rows = []
        for pid in range(1, n + 1):
            folder = folders[pid % n_folders]
            stem = f"IMG_{pid:04d}" if pid % 3 else f"KakaoTalk_{20190000 + pid}"
            rows.append((pid, os.path.join(folder, stem + ".jpg"), folder, 1000, 0, "ok"))
        cat.conn.executemany("INSERT INTO photos(id, path, folder, size, mtime_ns, status) VALUES (?, ?, ?, ?, ?, ?)", rows)
        for person in range(1, n_people + 1):
            name = GIVEN[person - 1] if person <= len(GIVEN) else f"{rng.choice(GIVEN)} {person}"
            cat.conn.execute("INSERT INTO people(id, name, created_at) VALUES (?, ?, 0)", (person, name))
        faces = [(rng.randint(1, n), 0.1, 0.1, 0.2, 0.2, 0.9, b"\0" * 8, rng.randint(1, n_people)) for _ in range(n // 2)]
        cat.conn.executemany("INSERT INTO faces(photo_id, x, y, w, h, score, descriptor, person_id)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", faces)
    cat.close()
    return path


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--kiwi-runs", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=30, help="times each query is planned")
    args = ap.parse_args()
    n = 20_000 if args.quick else 100_000
    print(machine_line())

    loads, mems, per = [], [], []
    for _ in range(args.kiwi_runs):
        out = subprocess.run([sys.executable, "-c", KIWI_PROBE], capture_output=True, text=True, check=True,
                             cwd=Path(__file__).resolve().parent.parent).stdout.split()
        loads.append(float(out[0]))
        mems.append(float(out[1]))
        per.append(float(out[2]))
    print(f"kiwi start-up (import + model + first analysis): median {statistics.median(loads):.2f} s "
          f"({', '.join(f'{x:.2f}' for x in loads)}); memory +{statistics.median(mems):.0f} MB RSS; "
          f"then {statistics.median(per) * 1000:.2f} ms per short text")

    from photoindex.core.search import parse_query, plan_query
    from photoindex.core.store.catalog import Catalog
    from photoindex.core.textmatch import ANALYZER, TextMatcher, person_photo_ids

    with scratch_dir("textmatch-") as d:
        t = time.perf_counter()
        path = make_catalog(d, n, n_folders=max(200, n // 50), n_people=300)
        print(f"catalog of {n:,} photos made in {time.perf_counter() - t:.1f} s")
        cat = Catalog(path, read_only=True)
        builds = []
        for _ in range(5):
            matcher = TextMatcher(lambda: cat)
            t = time.perf_counter()
            names = matcher.index()
            builds.append(time.perf_counter() - t)
        files = []
        for _ in range(3):
            fresh = TextMatcher(lambda: cat).index()
            t = time.perf_counter()
            fresh._ensure_files()
            files.append(time.perf_counter() - t)
        names._ensure_files()
        print(f"build the name index (folder and people's names) from the catalog: median "
              f"{statistics.median(builds) * 1000:.0f} ms ({len(names.component_label):,} folder names, "
              f"{len(names.people)} people); the {len(names.stem_keys):,} file names, read at the first word that "
              f"looks like one: median {statistics.median(files) * 1000:.0f} ms")
        checks = []
        for _ in range(200):
            t = time.perf_counter()
            matcher.index()
            checks.append(time.perf_counter() - t)
        print(f"unchanged-catalog check per search: p50 {pct(checks, 50) * 1000:.3f} ms, p95 {pct(checks, 95) * 1000:.3f} ms")
        ANALYZER.nouns("제주도")  # loaded: the window warms it when Korean is typed
        all_times: list[float] = []
        for q in QUERIES:
            times = []
            for _ in range(args.rounds):
                t = time.perf_counter()
                plan = plan_query(parse_query(q), matcher.index())
                for ms in plan.boosts:
                    for m in ms:
                        names.ids(m)
                for people in plan.people:
                    person_photo_ids(cat, people)
                times.append(time.perf_counter() - t)
            all_times += times
            kinds = sorted({m.kind for m in plan.matches})
            print(f"  {q!r:32} p50 {pct(times, 50) * 1000:6.2f} ms  p95 {pct(times, 95) * 1000:6.2f} ms  "
                  f"matched {','.join(kinds) or '-'}; CLIP gets {[t.text for t in plan.clip_terms]}")
        print(f"query-time name matching at {n:,} photos, all queries: p50 {pct(all_times, 50) * 1000:.2f} ms, "
              f"p95 {pct(all_times, 95) * 1000:.2f} ms (target: a few ms)")
        cat.close()


if __name__ == "__main__":
    main()
