"""Font Awesome's solid face cut to the icons the app draws (issue 21: a phone's first load ≤ 300 KB).

    .venv/bin/python tools/subset_icons.py          # writes app/static/sikinerja/fontawesome/fa-solid-900.woff2
    .venv/bin/python tools/subset_icons.py --check  # exit 1 when an icon named in the code is not in it

FAB ships the whole solid face (147 KB of woff2, ~1,400 glyphs) and every page draws with it; the app names a
few dozen icons. The icons are found by name (``fa-…``) in the app's Python, templates and scripts and in
FAB's own, through the class → glyph rules of FAB's Font Awesome stylesheets (with the version 4 names the
app still uses); the font keeps those glyphs only. Run it again after naming a new icon: the test
tests/test_icons.py fails until then.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import flask_appbuilder

ROOT = Path(__file__).resolve().parents[1]
FAB = Path(flask_appbuilder.__file__).parent
FAB_FONTAWESOME = FAB / "static" / "appbuilder" / "css" / "fontawesome"
FULL_FONT = FAB / "static" / "appbuilder" / "css" / "webfonts" / "fa-solid-900.ttf"
SUBSET_FONT = ROOT / "app" / "static" / "sikinerja" / "fontawesome" / "fa-solid-900.woff2"
ICON_NAME = re.compile(r"\bfa-[a-z0-9]+(?:-[a-z0-9]+)*")
GLYPH_RULE = re.compile(r'([^{}]+)\{content:"\\([0-9a-f]+)"\}')
# Where icons are named: the app's code and FAB's templates, widgets and scripts.
SOURCES = [(ROOT / "app", ("*.py", "*.html", "*.js")), (FAB, ("*.py", "*.html")),
           (FAB / "static" / "appbuilder" / "js", ("ab*.js",))]


def glyphs_by_name() -> dict[str, int]:
    """Every class name of FAB's Font Awesome stylesheets (6 and the version 4 shims) → its code point."""
    glyphs: dict[str, int] = {}
    for sheet in ("fontawesome.min.css", "v4-shims.min.css"):
        for selectors, code in GLYPH_RULE.findall((FAB_FONTAWESOME / sheet).read_text()):
            for selector in selectors.split(","):
                names = ICON_NAME.findall(selector)
                if names and selector.strip().endswith(":before"):
                    glyphs.setdefault(names[-1], int(code, 16))
    return glyphs


def named_icons() -> set[str]:
    names: set[str] = set()
    for folder, patterns in SOURCES:
        for pattern in patterns:
            for path in folder.rglob(pattern):
                names.update(ICON_NAME.findall(path.read_text(errors="ignore")))
    return names


def needed_code_points() -> set[int]:
    """The glyphs of the named icons that the solid face has (a brands icon is drawn by another face)."""
    glyphs = glyphs_by_name()
    return {glyphs[name] for name in named_icons() if name in glyphs} & code_points(FULL_FONT)


def code_points(font: Path) -> set[int]:
    from fontTools.ttLib import TTFont

    return set(TTFont(font).getBestCmap())


def write_subset() -> None:
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    font = subset.load_font(str(FULL_FONT), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(needed_code_points()))
    subsetter.subset(font)
    SUBSET_FONT.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(SUBSET_FONT), options)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.check:
        missing = needed_code_points() - code_points(SUBSET_FONT)
        print(f"{len(missing)} icon(s) missing from {SUBSET_FONT.name}" if missing else "every icon is in the font")
        return 1 if missing else 0
    write_subset()
    print(f"{SUBSET_FONT}: {len(needed_code_points())} glyphs, {SUBSET_FONT.stat().st_size / 1024:.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
