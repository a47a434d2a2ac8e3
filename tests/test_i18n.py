"""The English catalog: complete, compiled, in step with the source, and used by the pages.

The UI's source language is Chinese (msgids are Chinese); English comes from
``locale/en/LC_MESSAGES/django.po``, compiled to the committed ``django.mo``. Refresh it with
``manage.py makemessages -l en --ignore=.venv --ignore=bench --ignore=tests --ignore=staticfiles
--ignore=artifacts --no-obsolete``, translate, then ``manage.py compilemessages -l en --ignore=.venv``.
"""

from __future__ import annotations

import ast
import gettext
import html
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"

# Same scope as the documented makemessages command.
MAKEMESSAGES_IGNORES = [".venv", "bench", "tests", "staticfiles", "artifacts"]
# Not copied into the scratch tree: nothing translatable in them, or they are ignored anyway.
COPY_IGNORES = [*MAKEMESSAGES_IGNORES, ".git", "locale", "media", "fonts", "node_modules", "__pycache__",
                "*.pyc", "*.sqlite3", "*.sqlite3-*", ".pytest_cache", ".ruff_cache", "*.egg-info"]

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdifr]|(?<!%)%[sdif]|\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


# --- a small .po reader (stdlib only) -----------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def po_read(path: Path) -> list[Entry]:
    """Entries of a .po file (the header included, obsolete ``#~`` entries left out)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None
    pending_flags: set[str] = set()

    def finish():
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#,"):
            finish()
            pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#"):
            if not line.startswith("#~"):
                finish()
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            if current is None or target is None:
                raise AssertionError(f"{path}:{number}: continuation line outside an entry")
            name, index = target
            text = ast.literal_eval(line)
            if name == "msgstr":
                current.msgstr[index] += text
            else:
                setattr(current, name, getattr(current, name) + text)
            continue
        text = ast.literal_eval(rest.strip())
        if keyword in ("msgctxt", "msgid") and (current is None or current.msgstr):
            finish()
        if current is None:
            current = Entry(flags=pending_flags, line=number)
            pending_flags = set()
        if keyword == "msgctxt":
            current.msgctxt, target = text, ("msgctxt", None)
        elif keyword == "msgid":
            current.msgid, target = text, ("msgid", None)
        elif keyword == "msgid_plural":
            current.msgid_plural, target = text, ("msgid_plural", None)
        elif keyword == "msgstr":
            current.msgstr[0], target = text, ("msgstr", 0)
        elif keyword.startswith("msgstr["):
            index = int(keyword[7:-1])
            current.msgstr[index], target = text, ("msgstr", index)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


def catalog_entries(path: Path = PO) -> list[Entry]:
    return [e for e in po_read(path) if e.msgid or e.msgctxt is not None]


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text) + TAG.findall(text))


# --- (a) the committed catalog is complete and compiled ---------------------------------------------


def test_catalog_header_is_not_fuzzy():
    header = po_read(PO)[0]
    assert header.msgid == "", "the .po should start with its header entry"
    assert "fuzzy" not in header.flags, "remove '#, fuzzy' from the header, or msgfmt skips the catalog"
    assert "charset=UTF-8" in header.msgstr[0]
    assert "Plural-Forms:" in header.msgstr[0]


def test_catalog_has_no_untranslated_or_fuzzy_entries():
    entries = catalog_entries()
    assert len(entries) > 100, "the English catalog looks truncated"
    untranslated = [f"{PO.name}:{e.line} {e.msgid!r}" for e in entries
                    if not e.msgstr or any(not s.strip() for s in e.msgstr.values())]
    fuzzy = [f"{PO.name}:{e.line} {e.msgid!r}" for e in entries if "fuzzy" in e.flags]
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy entries (check the translation, then drop the flag):\n" + "\n".join(fuzzy)


def test_translations_keep_placeholders_and_markup():
    wrong = []
    for e in catalog_entries():
        sources = [e.msgid] if e.msgid_plural is None else [e.msgid, e.msgid_plural]
        expected = {tuple(placeholders(s)) for s in sources}
        for index, text in e.msgstr.items():
            if tuple(placeholders(text)) not in expected and not (e.msgid_plural and index == 0
                                                                  and not placeholders(text)):
                wrong.append(f"{PO.name}:{e.line} {e.msgid!r} → {text!r}")
    assert not wrong, "placeholders or tags differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_translations_are_english():
    """Chinese left in a msgstr is allowed only where the English quotes a Chinese value the user must
    type into a file (import headers, health statuses, street names) — and then the msgid has it too."""
    leftovers = []
    for e in catalog_entries():
        for text in e.msgstr.values():
            for run in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+", text):
                if run not in e.msgid:
                    leftovers.append(f"{PO.name}:{e.line} {run!r} in {text!r}")
    assert not leftovers, "Chinese text in the English catalog that is not quoted from the msgid:\n" + \
        "\n".join(leftovers)


def test_compiled_catalog_matches_po():
    """The committed .mo is compiled from the committed .po (a laptop without gettext uses it as is)."""
    assert MO.exists(), "run: manage.py compilemessages -l en --ignore=.venv"
    with MO.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = []
    for e in catalog_entries():
        if e.msgid_plural is None:
            got = mo.pgettext(e.msgctxt, e.msgid) if e.msgctxt is not None else mo.gettext(e.msgid)
            if got != (e.msgstr[0] or e.msgid):  # gettext falls back to the msgid when untranslated
                stale.append(f"{e.msgid!r}: .mo has {got!r}, .po has {e.msgstr[0]!r}")
        else:
            for n, index in ((1, 0), (2, 1)):
                got = (mo.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n) if e.msgctxt is not None
                       else mo.ngettext(e.msgid, e.msgid_plural, n))
                if got != (e.msgstr.get(index) or (e.msgid if n == 1 else e.msgid_plural)):
                    stale.append(f"{e.msgid!r}[{index}]: .mo has {got!r}, .po has {e.msgstr.get(index)!r}")
    assert not stale, "django.mo is stale; run compilemessages:\n" + "\n".join(stale[:30])


FULL_WIDTH = re.compile(r"[，。：；（）！？“”‘’、【】《》〔〕]")


def test_english_translations_use_ascii_punctuation():
    """Issue 7 §23.4: no full-width punctuation (，。：；（）！？“” …) in an English sentence, read from the
    compiled catalog the pages use."""
    with MO.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    wrong = [f"{msgid!r} → {msgstr!r}" for msgid, msgstr in mo._catalog.items()
             if msgid and FULL_WIDTH.search(msgstr if isinstance(msgstr, str) else "")]
    assert not wrong, "full-width punctuation in English translations:\n" + "\n".join(wrong)


# Outside a translatable string, a template's text reaches the English page as it is.
TEMPLATE_TRANSLATED = re.compile(
    r"{%\s*(?:trans|translate)\s+(?:\"[^\"]*\"|'[^']*')[^%]*%}"
    r"|{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}"
    r"|\b_\((?:\"[^\"]*\"|'[^']*')\)|{#.*?#}",
    re.S,
)
# Static error page shown without the template engine's i18n (bilingual by hand).
TEMPLATES_WITHOUT_I18N = {"templates/500.html", "templates/503.html"}  # bilingual, rendered without a request


def test_templates_put_no_full_width_punctuation_outside_translations():
    """Issue 7 §23.4: a literal （…） or ： around data shows in the English UI; it goes through a
    translated string or the punctuation filters of zhifu_reopen.jinja2 instead."""
    wrong = []
    for folder in ("templates",):
        for path in sorted((ROOT / folder).rglob("*.html")):
            name = path.relative_to(ROOT).as_posix()
            if name in TEMPLATES_WITHOUT_I18N:
                continue
            text = TEMPLATE_TRANSLATED.sub("", path.read_text(encoding="utf-8"))
            for number, line in enumerate(text.splitlines(), start=1):
                if FULL_WIDTH.search(line):
                    wrong.append(f"{name}:{number}: {line.strip()[:120]}")
    assert not wrong, "full-width punctuation outside a translatable string:\n" + "\n".join(wrong)


def test_punctuation_assembled_in_code_follows_the_language():
    from django.template import engines

    from zhifu_reopen.punctuation import clauses_join, labelled, list_join

    page = engines["jinja2"].from_string("{{ post|parenthesised }}{{ colon() }}{{ names|list_join }}")
    context = {"post": "<b>", "names": ["甲", "乙"]}
    assert (list_join("甲乙"), clauses_join("甲乙"), labelled("手机", "有误")) == ("甲、乙", "甲；乙", "手机：有误")
    assert page.render(context) == "（&lt;b&gt;）：甲、乙"
    with translation.override("en"):
        assert (list_join("甲乙"), clauses_join("甲乙"), labelled("Mobile", "wrong")) == (
            "甲, 乙", "甲; 乙", "Mobile: wrong")
        assert page.render(context) == " (&lt;b&gt;): 甲, 乙"


# --- (b) every translatable string in the source is in the catalog -------------------------------------


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext) for makemessages")
def test_catalog_covers_every_translatable_string(tmp_path):
    """Extract the msgids from a scratch copy of the working tree and compare with the committed .po."""
    tree = tmp_path / "src"
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(*COPY_IGNORES), symlinks=True)
    (tree / "locale").mkdir()
    env = {**os.environ, "ZHIFU_TESTING": "1", "DEBUG": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete",
               *(f"--ignore={name}" for name in MAKEMESSAGES_IGNORES)]
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    extracted = tree / "locale" / "en" / "LC_MESSAGES" / "django.po"
    assert extracted.exists(), done.stdout + done.stderr
    committed = {e.key for e in catalog_entries()}
    missing = [f"{e.msgid!r}" for e in catalog_entries(extracted) if e.key not in committed]
    assert not missing, (
        f"{len(missing)} msgid(s) in the source but not in {PO.relative_to(ROOT)}; run makemessages, "
        "translate, compilemessages:\n" + "\n".join(missing)
    )


# --- (c) a page in English --------------------------------------------------------------------------


def visible_texts(body: str) -> list[str]:
    """Text nodes and user-facing attribute values of an HTML page."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S | re.I)
    attributes = re.findall(r'\b(?:placeholder|title|aria-label|alt|value)="([^"]*)"', body)
    texts = re.split(r"<[^>]*>", body)
    return [html.unescape(t).strip() for t in [*texts, *attributes] if t.strip()]


@pytest.mark.django_db
def test_pages_in_english_on_request(client_for, enterprise_xy):
    from accounts.context_processors import NAV_ITEMS

    client = client_for("staff_xy")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("enterprises:list"))
    assert response.status_code == 200
    body = response.content.decode()

    assert 'lang="en"' in body
    for word in ("Firms", "Firm name", "Unified social credit code", "Operating status", "Sign out"):
        assert word in body, f"{word!r} missing from the English enterprise list"
    assert "Small/micro firm" in body  # enterprise_xy's scale, rendered through the Jinja2 rows
    with translation.override("zh-hans"):
        nav_labels = [str(label) for label, _name, *_roles in NAV_ITEMS]
    for label in nav_labels:
        assert label not in body, f"nav label {label!r} not translated"

    # No text node is still a Chinese msgid; data (the enterprise's name, street names) may be Chinese.
    msgids = {e.msgid for e in catalog_entries() if CJK.search(e.msgid)}
    untranslated = sorted({t for t in visible_texts(body) if t in msgids})
    assert not untranslated, f"untranslated labels on the English enterprise list: {untranslated}"

    # Back to Chinese: the default language still works.
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "企业名录" in client.get(reverse("enterprises:list")).content.decode()
