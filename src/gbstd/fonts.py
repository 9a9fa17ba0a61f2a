"""A CJK font for drawings (the bulletin's charts, the framework diagram as PNG), without a system font.

matplotlib's own fonts have no Chinese glyphs. gbstd depends on ``pylopdf-fonts-zh-cn``, a registry package
that ships Google's Noto Sans SC (SIL Open Font License 1.1, 8 MB), and registers that file with matplotlib:
Chinese labels come out the same on a fresh Windows or Linux install as on a desktop with fonts. Should the
package be missing, a CJK font matplotlib already knows, then one fontconfig lists (``fc-list :lang=zh``), is
used instead; with none, callers get ``family=None`` and print a note next to their drawings.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SHIPPED_FONT_PACKAGE = "pylopdf_fonts_zh_cn"
SHIPPED_FONT_FILE = "NotoSansSC-Regular.otf"

# Preferred system families, most suitable for official-looking Chinese drawings first.
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
    "Microsoft YaHei", "SimHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "Noto Serif CJK SC",
    "Source Han Serif SC", "AR PL UMing CN", "AR PL UKai CN", "Droid Sans Fallback", "Noto Sans CJK JP",
)  # fmt: skip


@dataclass(frozen=True)
class CjkFont:
    family: str | None  # None: no CJK font anywhere
    source: str = ""  # "package", "matplotlib" or "fontconfig"

    @property
    def note(self) -> str | None:
        if self.family:
            return None
        return ("注意：本机未安装中文字体，图表中的中文可能显示为方框；请重新安装 gbstd（它附带 Noto Sans SC 字体）"
                "或安装中文字体（如 fonts-noto-cjk）后重新生成。")


def shipped_font_file() -> Path | None:
    """The Noto Sans SC file of the font package, or None when the package is not installed."""
    try:
        from importlib import resources

        path = Path(str(resources.files(SHIPPED_FONT_PACKAGE) / SHIPPED_FONT_FILE))
    except (ModuleNotFoundError, TypeError):
        return None
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def find_cjk_font() -> CjkFont:
    """A CJK font family matplotlib can use, registering the shipped one (or a fontconfig one) if needed."""
    from matplotlib import font_manager

    shipped = shipped_font_file()
    if shipped is not None:
        try:
            font_manager.fontManager.addfont(str(shipped))
            return CjkFont(font_manager.FontProperties(fname=str(shipped)).get_name(), "package")
        except (OSError, RuntimeError, ValueError):
            pass
    known = {font.name for font in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return CjkFont(family, "matplotlib")
    for path in fontconfig_cjk_files():
        try:
            font_manager.fontManager.addfont(path)
            return CjkFont(font_manager.FontProperties(fname=path).get_name(), "fontconfig")
        except (OSError, RuntimeError, ValueError):
            continue
    return CjkFont(None)


def fontconfig_cjk_files() -> list[str]:
    if shutil.which("fc-list") is None:
        return []
    try:
        result = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return []
    files = sorted({line.split(":")[0].strip() for line in result.stdout.splitlines() if line.strip()})
    # Regular weights read best in charts; prefer them over Bold/Light files.
    return sorted(files, key=lambda f: ("Regular" not in f, "Sans" not in f, f))


__all__ = ["CJK_FAMILIES", "CjkFont", "find_cjk_font", "fontconfig_cjk_files", "shipped_font_file"]
