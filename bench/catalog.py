"""Catalog benchmark: 2,305 services in 32 departments; load time and search latency.

The synthetic services are built from real-looking parts (department-specific objects
such as 食品经营许可证 combined with actions such as 延续 or 补办), with materials,
steps and form fields from the real catalog's libraries, written as YAML in the same
format as ``assets/catalog`` into a temporary folder. zh_HK repeats zh_CN here (the
bench measures size and speed, not translation).

Figures:
- ``load_uncached_s``: ``load_catalog()`` in a fresh interpreter, imports included, parsing
  and validating every YAML file and building the search index (the first start after
  the catalog changed), median of 3 runs, wall and CPU time;
- ``load_cached_s``: the same start with ``cache_dir`` holding the validated catalog of
  an earlier start (every later start): this is the figure held to the 1 s target;
- ``load_warm_s``: ``load_catalog()`` again in this process (libraries imported);
- ``from_json_s``: ``Catalog.from_json`` of the hub's document (the booth's cache path);
- ``search_p50_ms``/``search_p95_ms``/``search_max_ms`` over several hundred queries of
  every kind: Chinese substrings, full pinyin, initials, English words, keywords,
  multi-word, mixed case, nonsense.

Targets: load < 1 s, search p95 < 30 ms. Run: ``python bench/catalog.py``. CPU times are
given beside wall times because the machine may be shared; ``load_average`` says how busy
it was.
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.core.catalog import Catalog, default_catalog_path, load_catalog  # noqa: E402
from kiosk.core.search import _Pinyin  # noqa: E402

SERVICES = 2305
RESULTS = ROOT / "bench" / "results" / "catalog.json"

# (code, zh_CN, en) of 32 departments: the ten of the real catalog and 22 more.
EXTRA_DEPARTMENTS = [
    ("transport", "交通运输局", "Transport Bureau"),
    ("construction", "住房和城乡建设局", "Housing and Urban-Rural Development Bureau"),
    ("education", "教育局", "Education Bureau"),
    ("health", "卫生健康委员会", "Health Commission"),
    ("planning", "自然资源和规划局", "Natural Resources and Planning Bureau"),
    ("environment", "生态环境局", "Ecology and Environment Bureau"),
    ("culture", "文化广电旅游局", "Culture, Radio, TV and Tourism Bureau"),
    ("agriculture", "农业农村局", "Agriculture and Rural Affairs Bureau"),
    ("water", "水务局", "Water Affairs Bureau"),
    ("emergency", "应急管理局", "Emergency Management Bureau"),
    ("veterans", "退役军人事务局", "Veterans Affairs Bureau"),
    ("justice", "司法局", "Justice Bureau"),
    ("finance", "财政局", "Finance Bureau"),
    ("commerce", "商务局", "Commerce Bureau"),
    ("statistics", "统计局", "Statistics Bureau"),
    ("forestry", "林业和园林局", "Forestry and Parks Bureau"),
    ("sports", "体育局", "Sports Bureau"),
    ("ethnic", "民族宗教事务局", "Ethnic and Religious Affairs Bureau"),
    ("archives", "档案馆", "Archives"),
    ("fire", "消防救援支队", "Fire and Rescue Brigade"),
    ("traffic", "公安交通管理局", "Traffic Police"),
    ("disabled", "残疾人联合会", "Disabled Persons' Federation"),
]

# What a department issues or keeps (zh_CN, en); combined with ACTIONS and SUBJECTS.
OBJECTS = [
    ("营业执照", "business licence"),
    ("食品经营许可证", "food business licence"),
    ("道路运输经营许可证", "road transport permit"),
    ("建筑工程施工许可证", "construction permit"),
    ("教师资格证", "teacher qualification"),
    ("医师执业证书", "medical practitioner licence"),
    ("建设工程规划许可证", "planning permit"),
    ("排污许可证", "pollutant discharge permit"),
    ("娱乐场所经营许可证", "entertainment venue licence"),
    ("兽药经营许可证", "veterinary drug licence"),
    ("取水许可证", "water abstraction permit"),
    ("安全生产许可证", "work safety licence"),
    ("优待证", "veteran's preferential card"),
    ("律师执业证", "lawyer's licence"),
    ("会计代理记账许可", "bookkeeping agency licence"),
    ("对外贸易经营者备案", "foreign trade filing"),
    ("统计调查项目", "statistical survey"),
    ("林木采伐许可证", "tree felling permit"),
    ("高危险性体育项目经营许可", "high-risk sports licence"),
    ("宗教活动场所登记", "religious venue registration"),
    ("档案查阅", "archive access"),
    ("公众聚集场所投入使用营业前消防安全检查", "fire safety inspection"),
    ("机动车驾驶证", "driving licence"),
    ("残疾人证", "disability certificate"),
    ("社会保障卡", "social security card"),
    ("住房公积金", "housing provident fund"),
    ("居民身份证", "resident ID card"),
    ("不动产权证书", "real estate title"),
    ("医疗保险", "medical insurance"),
    ("发票", "invoice"),
    ("居住证", "residence permit"),
    ("护照", "passport"),
    ("养老保险", "pension insurance"),
    ("失业保险", "unemployment insurance"),
    ("出生医学证明", "birth certificate"),
    ("机动车行驶证", "vehicle licence"),
    ("网络预约出租汽车驾驶员证", "ride-hailing driver permit"),
    ("民办学校办学许可证", "private school licence"),
    ("放射诊疗许可证", "radiology licence"),
    ("临时占用城市道路许可", "road occupation permit"),
]
ACTIONS = [
    ("核发", "issuance"),
    ("变更", "change"),
    ("延续", "renewal"),
    ("注销", "cancellation"),
    ("补办", "replacement"),
    ("备案", "filing"),
    ("信息查询", "enquiry"),
    ("证明开具", "certificate"),
    ("首次申领", "first application"),
    ("年度报告", "annual report"),
    ("年检", "annual inspection"),
    ("遗失声明", "loss notice"),
]
SUBJECTS = [
    ("", ""),
    ("（个人）", " (individuals)"),
    ("（企业）", " (enterprises)"),
    ("（港澳台居民）", " (HK, Macao, Taiwan residents)"),
    ("（外国人）", " (foreigners)"),
]


def _text(zh: str, en: str) -> dict[str, str]:
    return {"zh_CN": zh, "en": en, "zh_HK": zh}


def build(out: Path, rng: random.Random) -> list[tuple[str, str, str, list[str]]]:
    """Write the synthetic catalog to ``out``; return (code, zh name, en name, keywords)."""
    real = yaml.safe_load((default_catalog_path() / "catalog.yaml").read_text("utf-8"))
    departments = list(real["departments"])
    for code, zh, en in EXTRA_DEPARTMENTS:
        departments.append({"code": code, "icon": code, "name": _text(zh, en)})
    assert len(departments) == 32
    real["departments"] = departments
    (out / "services").mkdir(parents=True)
    (out / "catalog.yaml").write_text(yaml.safe_dump(real, allow_unicode=True), "utf-8")

    combos = [(o, a, s) for o in OBJECTS for a in ACTIONS for s in SUBJECTS]
    rng.shuffle(combos)
    combos = combos[:SERVICES]
    materials = list(real["materials"])
    fields = list(real["fields"])
    kinds = ["identify", "questions", "capture", "form", "review", "locker", "certificate"]
    made: list[tuple[str, str, str, list[str]]] = []
    per_dept: dict[str, list[dict[str, object]]] = {d["code"]: [] for d in departments}
    for i, ((ozh, oen), (azh, aen), (szh, sen)) in enumerate(combos):
        dept = departments[i % len(departments)]["code"]
        zh = f"{ozh}{azh}{szh}"
        en = f"{oen.capitalize()} {aen}{sen}"
        keywords = [ozh, azh, oen.split()[0]]
        steps: list[object] = [
            "identify",
            "capture",
            "form",
            {"kind": "review", "department": dept},
            "certificate",
        ]
        if rng.random() < 0.3:
            steps.insert(1, "questions")
        if rng.random() < 0.2:
            steps.insert(-2, "locker")
        assert set(s if isinstance(s, str) else s["kind"] for s in steps) <= set(kinds)
        mode = rng.choice(["self", "mixed", "clerk"])
        per_dept[dept].append(
            {
                "code": f"{dept}-{i:04d}",
                "name": _text(zh, en),
                "summary": _text(f"办理{zh}，材料齐全当场受理。", f"{en}; accepted on the spot."),
                "mode": mode,
                "certificate": _text(f"{ozh}{azh}结果", f"Result of the {oen} {aen}"),
                "time_limit_days": rng.choice([0, 1, 3, 5, 10, 20]),
                "keywords": keywords,
                "materials": ["id_card", *rng.sample(materials[1:], 3)],
                "form": ["applicant_name", "id_number", "phone", *rng.sample(fields[3:], 2)],
                "steps": steps,
            }
        )
        made.append((f"{dept}-{i:04d}", zh, en, keywords))
    for dept, services in per_dept.items():
        doc = {"department": dept, "services": services}
        (out / "services" / f"{dept}.yaml").write_text(
            yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8"
        )
    return made


def queries(made: list[tuple[str, str, str, list[str]]], rng: random.Random) -> list[str]:
    pinyin = _Pinyin()
    out: list[str] = [
        "",
        "zzqxj",
        "火星移民",
        "gjj",
        "gongjijin",
        "公积金",
        "qiye zhuxiao",
        "qyzx",
        "注销",
        "deregistration",
        "Driving Licence",
        "shenfenzheng",
    ]
    for _ in range(60):
        _, zh, en, keywords = rng.choice(made)
        syllables = pinyin.syllables(zh)
        start = rng.randrange(len(zh) - 1)
        out.append(zh[start : start + rng.randint(2, 4)])  # Chinese substring
        out.append("".join(syllables[: rng.randint(2, 4)]))  # full pinyin prefix
        out.append("".join(s[0] for s in syllables[: rng.randint(2, 5)]))  # initials
        out.append(rng.choice(en.split()).strip("()").lower())  # an English word
        out.append(" ".join(en.split()[:2]).upper())  # two English words, mixed case
        out.append(rng.choice(keywords))  # a keyword
        out.append(" ".join(syllables[:2]))  # pinyin with a space
    return out


def cold_load(path: Path, cache: Path | None) -> tuple[float, float]:
    """(wall, CPU) seconds of load_catalog in a fresh interpreter, imports included."""
    code = (
        "import time,sys; sys.path.insert(0, %r); t=time.perf_counter(); c0=time.process_time();"
        "from kiosk.core.catalog import load_catalog; from pathlib import Path; "
        "c=load_catalog(Path(%r), cache_dir=%s); "
        "print(time.perf_counter()-t, time.process_time()-c0, len(c.services))"
    )
    cache_arg = f"Path({str(cache)!r})" if cache else "None"
    result = subprocess.run(
        [sys.executable, "-c", code % (str(ROOT), str(path), cache_arg)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    wall, cpu, count = result.stdout.split()
    assert int(count) == SERVICES, count
    return float(wall), float(cpu)


def _median_pair(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main() -> int:
    rng = random.Random(2305)
    tmp = Path(tempfile.mkdtemp(prefix="xiaowu-bench-catalog-"))
    try:
        made = build(tmp / "catalog", rng)
        size = sum(p.stat().st_size for p in (tmp / "catalog").rglob("*.yaml"))
        first = _median_pair([cold_load(tmp / "catalog", None) for _ in range(3)])
        cold_load(tmp / "catalog", tmp / "cache")  # writes the cache
        cached = _median_pair([cold_load(tmp / "catalog", tmp / "cache") for _ in range(3)])
        warm_runs = []
        for _ in range(3):
            t = time.perf_counter()
            catalog = load_catalog(tmp / "catalog")
            warm_runs.append(time.perf_counter() - t)
        assert len(catalog.services) == SERVICES
        assert len(catalog.departments) == 32
        doc = json.loads(json.dumps(catalog.to_json(), ensure_ascii=False))
        t, c0 = time.perf_counter(), time.process_time()
        Catalog.from_json(doc)
        from_json = (time.perf_counter() - t, time.process_time() - c0)

        qs = queries(made, rng)
        latencies: list[float] = []
        cpu: list[float] = []
        hits = 0
        for q in qs:
            t, c0 = time.perf_counter(), time.thread_time()
            found = catalog.search(q)
            cpu.append((time.thread_time() - c0) * 1000)
            latencies.append((time.perf_counter() - t) * 1000)
            hits += bool(found)
        latencies.sort()
        cpu.sort()
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        cpu_p95 = cpu[int(len(cpu) * 0.95) - 1]
    finally:
        if "--keep" not in sys.argv:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("kept", tmp)

    results = {
        "services": SERVICES,
        "departments": 32,
        "yaml_bytes": size,
        "load_uncached_s": round(first[0], 3),
        "load_uncached_cpu_s": round(first[1], 3),
        "load_cached_s": round(cached[0], 3),
        "load_cached_cpu_s": round(cached[1], 3),
        "load_warm_s": round(statistics.median(warm_runs), 3),
        "from_json_s": round(from_json[0], 3),
        "from_json_cpu_s": round(from_json[1], 3),
        "queries": len(qs),
        "queries_with_results": hits,
        "search_p50_ms": round(statistics.median(latencies), 3),
        "search_p95_ms": round(p95, 3),
        "search_max_ms": round(latencies[-1], 3),
        "search_cpu_p50_ms": round(statistics.median(cpu), 3),
        "search_cpu_p95_ms": round(cpu_p95, 3),
        "targets": {"load_s": 1.0, "search_p95_ms": 30.0},
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    results["load_average"] = [round(x, 2) for x in os.getloadavg()]
    # Wall time on a shared machine measures the neighbours too; CPU time is this work.
    results["met_wall"] = results["load_cached_s"] < 1.0 and results["search_p95_ms"] < 30.0
    results["met_cpu"] = results["load_cached_cpu_s"] < 1.0 and results["search_cpu_p95_ms"] < 30.0
    for key, value in results.items():
        print(f"{key:22} {value}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return 0 if results["met_cpu"] else 1


if __name__ == "__main__":
    sys.exit(main())
