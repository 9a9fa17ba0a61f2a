"""Benchmark of `gbstd dupes` on generated national-scale catalogs (run: ``python bench/dupes_bench.py``).

For 10 000 and 100 000 records (deterministic from ``--seed``) it writes one YAML file per record into a
temporary directory, with a known set of planted duplicates (copies of a standard in another region or tier,
re-worded the ways real copies are: another generic word, an organisational word, a region prefix,
traditional script, full-width punctuation), then measures in separate processes:

* ``gbstd dupes DIR --format json``: wall time and peak memory (the child's own rusage), recall of the planted
  pairs, and how many reported pairs were not planted;
* the same catalog loaded alone, and the detector alone (``find_duplicates`` timed in-process after the load),
  so that the detector's cost is visible apart from YAML parsing;
* at 10 000 records, the reference: an exhaustive all-pairs comparison (rapidfuzz ``process.cdist`` over the
  normalised titles on all cores), its time and its recall of the planted pairs at a ratio of 80.

Titles are built from real subject words: 140 subjects of the domain plus 900 facility × system compounds
(办公楼电梯, 会议中心中央空调…), 48 aspects (配备, 运行维护, 处置…), a qualifier on a quarter of them (智能, 绿色…),
an organisational word (党政机关, 公共机构…) and a generic ending (服务规范, 管理要求…). Base titles are unique
combinations, so every planted copy is a known duplicate; pairs the detector reports beyond them are the
generator's chance look-alikes (same subject and aspect, with and without a qualifier) and are counted apart.

Targets (issue 5): 100 000 records in < 60 s and < 2 GiB, recall ≥ 95 %, time(100k) / time(10k) ≤ 20.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import opencc

SUBJECTS = ["公务用车", "办公用房", "机关食堂", "办公区物业", "会议", "公务接待", "机关幼儿园", "公共机构节能", "能耗定额", "国有资产", "机关档案", "电梯", "锅炉房", "配电室", "数据中心机房", "停车场", "充电设施", "安防监控", "消防设施", "给排水设施", "空调系统", "照明系统", "绿化", "保洁", "垃圾分类", "餐厨垃圾", "办公家具", "办公设备", "印刷", "通信保障", "网络安全", "政务服务大厅", "值班", "应急物资", "会议室", "礼堂", "职工宿舍", "周转房", "公寓", "职工食堂", "集中供餐", "外卖送餐", "食材采购", "食品留样", "餐具消毒", "营养配餐", "医务室", "健身场所", "图书室", "档案库房", "车库", "洗车", "加油", "车辆保险", "车辆年检", "驾驶员", "车辆调度平台", "电动汽车", "新能源汽车", "屋顶光伏", "太阳能热水", "地源热泵", "节水器具", "雨水回收", "能源审计", "能耗监测", "碳排放", "碳达峰", "绿色采购", "合同能源管理", "能源托管", "节约型机关", "反食品浪费", "光盘行动", "无障碍设施", "标识标牌", "门禁", "访客", "快递收发", "安保巡逻", "服务外包", "物业招标", "办公区环境", "室内空气质量", "饮用水", "二次供水", "化粪池", "白蚁防治", "除四害", "病媒生物防制", "防汛", "除雪", "冬季供暖", "夏季防暑", "运行经费", "运行成本", "资产清查", "资产处置平台", "公物仓", "房产登记"]

ASPECTS = ["配备", "购置", "使用", "处置", "运行维护", "维修", "保养", "标识", "调度", "评价", "评估", "监管", "考核", "验收", "统计", "审计", "核算", "预算", "改造", "检查", "巡检", "培训", "应急处置", "信息化", "档案", "分类", "等级评定", "清洗", "租赁", "调剂", "监测", "计量", "台账", "公示", "数据采集", "安全", "质量控制", "服务评价", "绩效评价", "成本核算", "风险防控", "满意度测评", "招标采购", "合同", "交接"]

QUALIFIERS = ["智能", "绿色", "低碳", "标准化", "规范化", "数字化", "集中", "统一", "一体化", "精细化", "共享", "专业化", "社会化", "市场化", "节约型", "安全型", "智慧", "新建", "既有", "老旧", "高层", "多功能", "大型", "小型", "临时", "日常", "年度", "季度", "重点", "通用", "基层", "县域", "乡镇", "园区", "楼宇", "综合"]

# Facilities × systems: the compound subjects a national catalog is full of (办公楼电梯, 会议中心空调系统…).
PLACES = ["办公楼", "会议中心", "机关食堂", "数据机房", "地下车库", "职工宿舍", "档案馆", "礼堂", "机关幼儿园", "医务室", "周转房", "接待中心", "培训中心", "政务服务中心", "机关大院", "办公用房", "业务用房", "服务用房", "附属用房", "老干部活动中心", "图书馆", "体育馆", "展览馆", "机要室", "信访接待室", "值班室", "指挥中心", "后勤服务中心", "招待所", "物资仓库"]
SYSTEMS = ["电梯", "中央空调", "给排水", "消防设施", "照明", "安防监控", "门禁", "供暖", "网络布线", "配电", "备用电源", "防雷", "通风", "热水", "燃气", "保洁", "绿化", "垃圾收运", "停车管理", "标识导引", "会议音视频", "智能化系统", "能耗计量", "节水设施", "光伏发电", "充电桩", "电动门", "屋面防水", "外墙保温", "室内装修"]
SUBJECT_POOL = SUBJECTS + [place + system for place in PLACES for system in SYSTEMS]

ORGS = ["党政机关", "机关", "公共机构", "省直机关", "市直机关", "机关事业单位", ""]
SUFFIXES = ["服务规范", "管理规范", "规范", "服务管理规范", "工作指南", "技术要求", "管理要求", "操作规程", "服务标准",
            "工作规范", "实施指南", "管理办法", "技术规范"]
PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
             "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"]
CITY_NAMES = {"4101": "郑州市", "4103": "洛阳市", "3201": "南京市", "3301": "杭州市", "3701": "济南市",
              "4401": "广州市", "5101": "成都市", "6101": "西安市", "4201": "武汉市", "3205": "苏州市"}
GROUPS = ["T/CAGA", "T/CSPSTC", "T/CPMI", "T/CAS", "T/CHINABICC"]


@dataclass
class Generated:
    records: list[dict[str, object]] = field(default_factory=list)
    planted: set[frozenset[str]] = field(default_factory=set)


class Codes:
    """Unique codes per prefix."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.next: dict[str, int] = {}

    def make(self, prefix: str, suffix: str = "/T") -> str:
        number = self.next.get(prefix, 1)
        self.next[prefix] = number + 1
        year = self.rng.randint(2010, 2025)
        head = prefix if prefix.startswith("T/") else prefix + suffix
        return f"{head} {number}-{year}"

    def random_code(self) -> tuple[str, str | None]:
        roll = self.rng.random()
        if roll < 0.03:
            return self.make("GB"), None
        if roll < 0.05:
            return self.make(self.rng.choice(["JT", "WS", "SB", "GA"])), None
        if roll < 0.30:
            province = self.rng.choice(PROVINCES)
            return self.make(f"DB{province}"), province
        if roll < 0.95:
            city = self.rng.choice(PROVINCES) + f"{self.rng.randint(1, 20):02d}"
            return self.make(f"DB{city}"), city
        return self.make(self.rng.choice(GROUPS), ""), None


def _scope(org: str, core: str, aspect: str) -> str:
    return (f"本文件规定了{org}{core}{aspect}的基本要求、组织实施、过程控制和评价改进。"
            f"本文件适用于{org or '机关'}{core}{aspect}工作。")


def generate(count: int, seed: int, share: float = 0.05) -> Generated:
    """``count`` records, of which about ``share`` are planted copies of another record."""
    rng = random.Random(seed)
    codes = Codes(rng)
    to_traditional = opencc.OpenCC("s2t.json")
    combos: set[tuple[str, str, str]] = set()
    out = Generated()
    originals = int(count * (1 - share))
    while len(combos) < originals:
        qualifier = rng.choice(QUALIFIERS) if rng.random() < 0.25 else ""
        aspect = rng.choice(ASPECTS) if rng.random() < 0.85 else ""
        combos.add((qualifier, rng.choice(SUBJECT_POOL), aspect))
    base = sorted(combos)
    rng.shuffle(base)
    for qualifier, subject, aspect in base:
        code, region = codes.random_code()
        org = rng.choice(ORGS)
        title = f"{org}{qualifier}{subject}{aspect}{rng.choice(SUFFIXES)}"
        out.records.append({"code": code, "title": title, "scope": _scope(org, qualifier + subject, aspect),
                            "_parts": (org, qualifier, subject, aspect), "_region": region})
    while len(out.records) < count:
        source = rng.choice(out.records[:originals])
        org, qualifier, subject, aspect = source["_parts"]  # type: ignore[misc]
        code, region = codes.random_code()
        new_org = rng.choice(ORGS) if rng.random() < 0.5 else org
        title = f"{new_org}{qualifier}{subject}{aspect}{rng.choice(SUFFIXES)}"
        edits = rng.sample(["region", "traditional", "width", "none"], k=2)
        if "region" in edits:
            title = (CITY_NAMES.get(region or "", "") or rng.choice(list(CITY_NAMES.values()))) + title
        if "traditional" in edits:
            title = to_traditional.convert(title)
        if "width" in edits:
            cut = rng.randint(1, len(title) - 1)
            title = f"{title[:cut]} {title[cut:]}（试行）" if rng.random() < 0.5 else f"{title}（修订）"
        if title == source["title"]:
            title = "关于" + title
        out.records.append({"code": code, "title": title, "scope": _scope(new_org, qualifier + subject, aspect),
                            "_parts": source["_parts"], "_region": region})
        out.planted.add(frozenset((str(source["code"]), code)))
    return out


def _canonical(code: str) -> str:
    from gbstd.model.code import StandardCode

    return StandardCode.parse(code).canonical


def write_catalog(generated: Generated, root: Path) -> None:
    from gbstd.model.code import StandardCode

    (root / "records").mkdir(parents=True)
    (root / "gbstd.toml").write_text("[catalog]\nrecords = \"records\"\n", encoding="utf-8")
    for item in generated.records:
        code = StandardCode.parse(str(item["code"]))
        folder = root / "records" / code.prefix.replace("/", "-")
        folder.mkdir(exist_ok=True)
        (folder / code.filename).write_text(
            f"code: {code.canonical}\ntitle: \"{item['title']}\"\nstatus: 现行\nscope: {item['scope']}\n", encoding="utf-8"
        )


def run_child(args: list[str], stdout: Path) -> tuple[float, float, str]:
    """Run a command with its output in files; return (wall seconds, the child's own peak RSS in MiB, stdout).

    ``os.wait4`` gives the rusage of exactly this child (RUSAGE_CHILDREN would be a running maximum).
    """
    errors = stdout.with_suffix(".stderr")
    start = time.perf_counter()
    with open(stdout, "wb") as out, open(errors, "wb") as err:
        proc = subprocess.Popen(args, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{errors.read_text(errors='replace')}")
    return elapsed, usage.ru_maxrss / 1024, stdout.read_text(encoding="utf-8")


BREAKDOWN = """
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from gbstd.catalog.loader import load_catalog
from gbstd.similarity import find_duplicates
catalog = load_catalog(Path(sys.argv[1]))
t1 = time.perf_counter()
pairs = find_duplicates(catalog)
t2 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "detect": t2 - t1, "pairs": len(pairs)}))
"""

EXHAUSTIVE = """
import json, sys, time
import numpy as np
from rapidfuzz import fuzz, process
from gbstd.similarity import normalise
titles = json.load(open(sys.argv[1], encoding="utf-8"))
start = time.perf_counter()
keys = [normalise(t) for t in titles]
matrix = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=80, dtype=np.uint8, workers=-1)
rows, cols = np.nonzero(np.triu(matrix, k=1))
elapsed = time.perf_counter() - start
print(json.dumps({"time": elapsed, "pairs": [[int(r), int(c)] for r, c in zip(rows, cols)]}))
"""


def measure(size: int, seed: int, workdir: Path, exhaustive: bool) -> dict[str, object]:
    t0 = time.perf_counter()
    generated = generate(size, seed)
    root = workdir / f"catalog-{size}"
    write_catalog(generated, root)
    gen_time = time.perf_counter() - t0
    planted = {frozenset(_canonical(c) for c in pair) for pair in generated.planted}
    out = workdir / f"dupes-{size}.json"
    total, peak, text = run_child([sys.executable, "-m", "gbstd", "dupes", str(root), "--format", "json"], out)
    pairs = json.loads(text)
    found = {frozenset((p["a"], p["b"])) for p in pairs}
    _, _, text = run_child([sys.executable, "-c", BREAKDOWN, str(root)], workdir / f"breakdown-{size}.json")
    breakdown = json.loads(text)
    row: dict[str, object] = {
        "records": size, "planted": len(planted), "generate_s": gen_time, "dupes_s": total, "peak_mib": peak,
        "load_s": breakdown["load"], "detect_s": breakdown["detect"], "pairs": len(found),
        "recall": len(planted & found) / len(planted), "unplanted": len(found - planted),
    }
    if exhaustive:
        titles_path = workdir / f"titles-{size}.json"
        titles = [str(r["title"]) for r in generated.records]
        titles_path.write_text(json.dumps(titles, ensure_ascii=False), encoding="utf-8")
        _, ex_peak, text = run_child([sys.executable, "-c", EXHAUSTIVE, str(titles_path)], workdir / f"ex-{size}.json")
        result = json.loads(text)
        codes = [_canonical(str(r["code"])) for r in generated.records]
        ex_found = {frozenset((codes[i], codes[j])) for i, j in result["pairs"]}
        row.update(exhaustive_s=result["time"], exhaustive_peak_mib=ex_peak,
                   exhaustive_recall=len(planted & ex_found) / len(planted), exhaustive_pairs=len(ex_found))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="catalog sizes, comma-separated")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--keep", action="store_true", help="keep the generated catalogs (path printed)")
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="gbstd-dupes-bench-"))
    rows = []
    try:
        for size in sizes:
            print(f"… {size} records", file=sys.stderr, flush=True)
            rows.append(measure(size, options.seed, workdir, exhaustive=size == min(sizes)))
    finally:
        if options.keep:
            print(f"catalogs kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"{'records':>8} {'planted':>7} {'dupes s':>8} {'load s':>7} {'detect s':>8} {'peak MiB':>8} "
          f"{'recall':>7} {'pairs':>7} {'unplanted':>9}")
    for r in rows:
        print(f"{r['records']:>8} {r['planted']:>7} {r['dupes_s']:>8.1f} {r['load_s']:>7.1f} {r['detect_s']:>8.1f} "
              f"{r['peak_mib']:>8.0f} {r['recall']:>7.1%} {r['pairs']:>7} {r['unplanted']:>9}")
    first = rows[0]
    if "exhaustive_s" in first:
        print(f"\nexhaustive all-pairs rapidfuzz cdist at {first['records']} records (normalised titles, ratio ≥ 80): "
              f"{first['exhaustive_s']:.1f} s, peak {first['exhaustive_peak_mib']:.0f} MiB, "
              f"recall {first['exhaustive_recall']:.1%}, {first['exhaustive_pairs']} pairs; "
              f"detector alone {first['detect_s']:.1f} s")
    if len(rows) > 1:
        small, big = rows[0], rows[-1]
        factor = int(big["records"]) / int(small["records"])  # type: ignore[call-overload]
        print(f"growth ×{factor:.0f} records: dupes {float(big['dupes_s']) / float(small['dupes_s']):.1f}×, "  # type: ignore[arg-type]
              f"detector {float(big['detect_s']) / float(small['detect_s']):.1f}×, "  # type: ignore[arg-type]
              f"load {float(big['load_s']) / float(small['load_s']):.1f}× (target ≤ 20×)")  # type: ignore[arg-type]
    print("targets at the largest size: < 60 s, < 2048 MiB, recall ≥ 95 %")


if __name__ == "__main__":
    main()
