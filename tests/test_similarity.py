"""The similarity library: normalisation, subjects, and find_duplicates' pairs, kinds and clusters."""

from __future__ import annotations

from pathlib import Path

from gbstd.catalog.loader import load_catalog
from gbstd.model.config import DuplicatesSection
from gbstd.similarity import DuplicateKind, cluster, find_duplicates, normalise
from gbstd.similarity.subject import SubjectExtractor
from tests.conftest import CatalogFactory, record


def test_normalise_width_punctuation_and_script() -> None:
    assert normalise("機關食堂服務規範") == normalise("机关食堂服务规范") == "机关食堂服务规范"
    assert normalise("机关食堂 服务规范（试行）") == "机关食堂服务规范试行"
    assert normalise("ＧＢ／Ｔ　机关") == "gbt机关"


def test_subject_drops_regions_scopes_and_generic_words() -> None:
    extract = SubjectExtractor().subject
    assert extract("河南省党政机关公务用车服务管理规范").core == "公务用车"
    assert extract("宝鸡市党政机关公务用车标识化规范").core == "公务用车标识"
    assert extract("公务用车运行维护规范").core == "公务用车运行维护"
    assert extract("公务用车运行维护规范").aspects == {"运行", "维护"}
    assert extract("机关事务标准化工作指南").core == "标准化"  # 标准化 is a subject, not 标准 + 化
    assert extract("农贸市场管理规范").core == "农贸市场"  # not a place name before a domain word
    assert extract("管理规范").core == "管理规范"  # nothing but generic words: the title itself


def test_extra_words_from_config() -> None:
    extract = SubjectExtractor(generic_words=["试行"], synonyms={"公务车": "公务用车"}).subject
    assert extract("公务车服务规范（试行）").core == "公务用车"


def _catalog(make_catalog: CatalogFactory, files: dict[str, str]) -> Path:
    return make_catalog({f"records/{name}.yaml": text for name, text in files.items()})


def test_kinds(make_catalog: CatalogFactory) -> None:
    root = _catalog(make_catalog, {
        "GB": record("GB/T 42967-2023", "机关食堂反食品浪费工作指南"),
        "DB41a": record("DB41/T 2397-2023", "机关食堂反食品浪费管理规范"),
        "DB32": record("DB32/T 9-2022", "党政机关食堂反食品浪费管理规范"),
        "DB41b": record("DB41/T 10-2020", "公务用车服务规范"),
        "DB41c": record("DB41/T 11-2022", "党政机关公务用车服务管理规范"),
        "DB4103": record("DB4103/T 5-2023", "洛阳市党政机关办公用房管理规范"),
        "DB41d": record("DB41/T 12-2021", "办公用房管理规范"),
        "old": record("DB41/T 20-2015", "会议服务规范", "废止", replaced_by="[DB41/T 20-2021]"),
        "new": record("DB41/T 20-2021", "会议服务规范", replaces="[DB41/T 20-2015]"),
        "dead": record("DB33/T 1-2010", "会议服务规范", "废止"),
        "cars1": record("DB37/T 1-2021", "公务用车配备标准"),
        "cars2": record("DB37/T 2-2021", "公务用车运行维护规范"),
    })
    pairs = find_duplicates(load_catalog(root))
    found = {(p.a, p.b): p for p in pairs}
    assert found[("GB/T 42967-2023", "DB41/T 2397-2023")].kind is DuplicateKind.ADOPT_UPPER
    assert found[("GB/T 42967-2023", "DB32/T 9-2022")].kind is DuplicateKind.ADOPT_UPPER
    assert found[("DB32/T 9-2022", "DB41/T 2397-2023")].kind is DuplicateKind.SIBLING
    assert found[("DB41/T 10-2020", "DB41/T 11-2022")].kind is DuplicateKind.MERGE
    assert found[("DB41/T 12-2021", "DB4103/T 5-2023")].kind is DuplicateKind.ADOPT_UPPER  # province above city
    assert found[("DB41/T 20-2015", "DB41/T 20-2021")].kind is DuplicateKind.SUPERSESSION
    assert not found[("DB41/T 20-2015", "DB41/T 20-2021")].is_duplicate
    # an abolished standard is compared only with its own chain; look-alikes are not paired
    assert not [p for p in pairs if "DB33/T 1-2010" in (p.a, p.b)]
    assert not [p for p in pairs if {p.a, p.b} == {"DB37/T 1-2021", "DB37/T 2-2021"}]
    for pair in pairs:
        assert 0 <= pair.score <= 1 and pair.reason.zh and pair.reason.en
    assert [p.score for p in pairs] == sorted((p.score for p in pairs), reverse=True)


def test_same_code_and_accepted_pairs(make_catalog: CatalogFactory) -> None:
    root = _catalog(make_catalog, {
        "a/one": record("DB41/T 1-2020", "机关食堂服务规范"),
        "b/one": record("DB41/T1—2020", "机关食堂服务规范"),
        "x": record("DB11/T 9-2020", "会议服务规范"),
        "y": "code: DB12/T 9-2020\ntitle: 会议服务规范\nstatus: 现行\n"
             "distinct_from:\n  - code: DB11/T 9-2020\n    reason: 只适用于涉外会议\n",
    })
    pairs = find_duplicates(load_catalog(root))
    assert [(p.a, p.b, p.kind) for p in pairs] == [("DB41/T 1-2020", "DB41/T 1-2020", DuplicateKind.SAME_CODE)]


def test_min_score_and_clusters(make_catalog: CatalogFactory) -> None:
    root = _catalog(make_catalog, {
        f"c{n}": record(f"DB{p}/T {n}-2021", title)
        for n, (p, title) in enumerate([
            ("11", "公务用车服务规范"), ("12", "机关公务用车服务规范"), ("13", "党政机关公务用车管理规范"),
            ("14", "机关食堂服务规范"), ("15", "機關食堂服務管理規範"), ("21", "公共机构节水管理规范"),
        ], start=1)
    })
    catalog = load_catalog(root)
    groups = cluster(find_duplicates(catalog))
    assert [sorted(g.codes) for g in groups] == [
        ["DB14/T 4-2021", "DB15/T 5-2021"],
        ["DB11/T 1-2021", "DB12/T 2-2021", "DB13/T 3-2021"],
    ] or [sorted(g.codes) for g in groups] == [
        ["DB11/T 1-2021", "DB12/T 2-2021", "DB13/T 3-2021"],
        ["DB14/T 4-2021", "DB15/T 5-2021"],
    ]
    assert groups[0].score >= groups[1].score
    strict = find_duplicates(catalog, min_score=0.99)
    assert all(p.score >= 0.99 for p in strict) and len(strict) < len(find_duplicates(catalog))


def test_large_groups_link_to_one_representative(make_catalog: CatalogFactory) -> None:
    files = {"gb": record("GB/T 1-2020", "机关食堂服务规范")}
    files.update({f"c{n}": record(f"DB41{n:02d}/T 1-2021", "机关食堂服务管理规范") for n in range(1, 13)})
    catalog = load_catalog(_catalog(make_catalog, files))
    pairs = find_duplicates(catalog, DuplicatesSection(max_group=5))
    assert len(pairs) == 12 and all(p.a == "GB/T 1-2020" for p in pairs)
    assert len(cluster(pairs)) == 1 and len(cluster(pairs)[0].members) == 13
    assert len(find_duplicates(catalog)) == 13 * 12 // 2


def test_against_a_reference_catalog(make_catalog: CatalogFactory) -> None:
    local = make_catalog({
        "records/a.yaml": record("DB4103/T 1-2023", "洛阳市机关食堂服务规范"),
        "records/b.yaml": record("DB4103/T 2-2023", "机关会议服务规范"),
        "records/c.yaml": record("DB4103/T 3-2023", "公务用车服务规范"),
        "records/gb.yaml": record("GB/T 42967-2023", "机关食堂反食品浪费工作指南"),
    }, name="local")
    national = make_catalog({
        "records/x.yaml": record("DB41/T 9-2020", "机关食堂服务管理规范"),
        "records/y.yaml": record("DB41/T 8-2020", "机关会议服务规范"),
        "records/gb.yaml": record("GB/T 42967-2023", "机关食堂反食品浪费工作指南"),
    }, name="national")
    pairs = find_duplicates(load_catalog(local), against=load_catalog(national))
    assert sorted((p.a, p.b, p.kind.value) for p in pairs) == [
        ("DB41/T 8-2020", "DB4103/T 2-2023", "adopt-upper"),
        ("DB41/T 9-2020", "DB4103/T 1-2023", "adopt-upper"),
    ]


def test_candidate_generation_pairs_similar_subjects_only() -> None:
    from gbstd.similarity.candidates import banding, candidate_pairs, signatures

    subjects = [["公务", "务用", "用车"], ["公务", "务用", "用车", "车标", "标识"], ["食堂", "堂反", "反食"],
                ["公务", "务用", "用车"], ["电梯", "梯维", "维护"]]
    matrix = signatures(subjects, 128)
    assert (matrix == signatures(subjects, 128)).all()  # seeded: deterministic
    pairs = {tuple(p) for p in candidate_pairs(matrix, *banding(0.5, 128)).tolist()}
    assert (0, 3) in pairs and (0, 1) in pairs
    assert not any(2 in p or 4 in p for p in pairs)


def test_progress_is_reported(make_catalog: CatalogFactory) -> None:
    root = _catalog(make_catalog, {"a": record("DB11/T 1-2021"), "b": record("DB12/T 1-2021")})
    stages: list[str] = []
    find_duplicates(load_catalog(root), progress=lambda stage, done, total: stages.append(stage))
    assert {"subjects", "same subject", "minhash", "similar subjects"} <= set(stages)


def test_signatures_equal_datasketch_minhash() -> None:
    import numpy as np
    from datasketch import MinHash

    from gbstd.similarity.candidates import signatures

    sets = [["公务", "务用", "用车"], ["食堂"], ["电梯", "梯维", "维护", "电梯"], []]
    expected = []
    for grams in sets:
        minhash = MinHash(num_perm=64, seed=1)
        minhash.update_batch([g.encode("utf-8") for g in set(grams)])
        expected.append(minhash.hashvalues)
    assert (signatures(sets, 64, chunk=2) == np.vstack(expected).astype(np.uint64)).all()
