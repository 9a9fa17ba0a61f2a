"""The words that tell a title's subject from its wrapping.

A title such as 河南省党政机关公务用车服务管理规范 is a region (河南省), an organisational scope (党政机关), the
subject (公务用车) and generic words (服务, 管理, 规范). Two titles describe the same subject when what is left
after removing region, scope and generic words is the same; they describe different subjects when that
residue differs, and most of all when it differs in an *aspect* word (配备 vs 运行维护, 处置 vs 购置).

The lists are data: a catalog can extend them in ``gbstd.toml`` (``[duplicates]``).
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Document-type and filler words that every standard title carries; they say nothing about the subject.
GENERIC_WORDS: tuple[str, ...] = _words(
    """规范 要求 指南 管理 服务 标准 技术 通则 导则 规程 规则 细则 办法 准则 指引 工作 基本 通用 总则 方法
    操作 实施 规定 条件 指标 规范化 保障 系统 体系建设 总体 一般要求 基本要求 工作规范 工作指南
    与 及 和 的 之 等 对 试行 暂行 修订 征求意见稿 送审稿 报批稿"""
)

# Organisational scopes common to the whole domain: they narrow who a standard applies to, not its subject.
DOMAIN_WORDS: tuple[str, ...] = _words(
    """党政机关 国家机关 行政机关 机关事务 机关单位 机关 公共机构 事业单位 行政事业单位 企事业单位 人民政府 政府
    中央和国家机关 省直机关 市直机关 县直机关 省直 市直 县直 区直 省级 市级 县级 区级 乡镇 各级 单位"""
)

# Words kept whole even though they contain a generic word (标准化 is a subject, not 标准 + 化).
KEEP_WORDS: tuple[str, ...] = ("标准化", "标准体系", "技术档案", "服务区", "服务中心", "服务外包", "服务质量")

# Aspects of a subject: two titles that share a subject but differ in these are about different things
# (公务用车配备 vs 公务用车运行维护), so the score is reduced when their sets of aspect words differ.
ASPECT_WORDS: tuple[str, ...] = _words(
    """配备 配置 购置 采购 处置 使用 运行 维护 维修 保养 标识 调度 评价 评估 监管 监督 考核 验收 统计 审计
    定额 核算 预算 经费 成本 建设 设计 改造 检查 巡检 培训 应急 安全 消防 信息化 数字化 档案 分类 等级
    清洗 保洁 绿化 安保 租赁 出租 调剂 接待 能耗 节能 节水 监测 计量 台账 公示 信息 采集 交换 共享 术语
    编写 编制 平台 数据 反食品浪费 餐饮 营养 卫生 用餐 垃圾 回收 充电 停车 标志 外包 合同 托管 能源
    资产 清查 登记 收费 价格 配送 仓储 印刷 通信 会议 住宿 车辆 驾驶员 人员 服务商 质量"""
)

# Variants that mean the same thing in titles; the left side is rewritten to the right before comparison.
SYNONYMS: dict[str, str] = {
    "办公区域": "办公区",
    "办公楼区": "办公区",
    "公务车辆": "公务用车",
    "公车": "公务用车",
    "标识化": "标识",
    "办公楼": "办公区",
    "能源消耗": "能耗",
    "节约能源资源": "节能",
    "节约能源": "节能",
    "能源资源节约": "节能",
    "安全保卫": "安保",
    "创建": "建设",
    "餐饮节约": "反食品浪费",
    "制止餐饮浪费": "反食品浪费",
    "餐饮浪费": "反食品浪费",
}

PROVINCE_SHORT: dict[str, str] = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古", "21": "辽宁", "22": "吉林",
    "23": "黑龙江", "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西",
    "37": "山东", "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏", "61": "陕西", "62": "甘肃",
    "63": "青海", "64": "宁夏", "65": "新疆",
}  # fmt: skip

# Place-name endings; a leading place name is recognised when one of these is followed by a domain word.
PLACE_SUFFIXES: tuple[str, ...] = ("自治区", "自治州", "自治县", "地区", "省", "市", "州", "盟", "县", "区", "旗")
