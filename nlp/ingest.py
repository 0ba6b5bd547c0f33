"""Turn files into ``Document`` records: extract text, read metadata, report a status per file.

Ingestion is tolerant per file: every file gets an ``IngestResult`` whose ``status`` is ``ok``,
``empty``, ``unreadable``, ``too_large`` or ``unsupported``; one bad file never sinks a batch.
Metadata comes from, first found wins: the caller (form fields or a manifest row) > YAML front
matter > the file's own properties (PDF/DOCX) > inference (kind only).

``Document.text`` is the extracted text with any front matter removed and line endings turned
into ``\\n``; Markdown is not rendered, so evidence offsets index exactly that text.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import zipfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import yaml

from nlp import sandbox
from nlp.errors import DocumentError
from nlp.kinds import infer_kind
from nlp.records import KINDS, Document

SUPPORTED = (".md", ".markdown", ".txt", ".rst", ".pdf", ".docx")
TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".rst")
# Files that are clearly documents but that we cannot read: reported, not silently skipped.
DOCUMENT_LIKE = (
    ".doc", ".docm", ".dot", ".dotx", ".odt", ".ott", ".pages", ".rtf", ".wpd", ".wps",
    ".htm", ".html", ".epub", ".xps", ".ppt", ".pptx", ".key", ".odp", ".tex",
)  # fmt: skip
META_FIELDS = ("kind", "team", "date", "title", "author")
MANIFEST_NAME = "manifest.csv"


@dataclass(frozen=True)
class Limits:
    """Resource limits for one file; the defaults suit a server."""

    max_bytes: int = 20_000_000
    max_chars: int = 2_000_000
    max_pdf_pages: int = 300
    cpu_seconds: int = 20
    wall_seconds: float = 30.0
    memory_mb: int = 1024
    max_zip_entries: int = 2000
    max_zip_uncompressed: int = 200_000_000
    max_zip_ratio: float = 200.0


@dataclass(frozen=True)
class Extracted:
    """A file's text and the title/author/date its PDF/DOCX properties state (ISO date)."""

    text: str
    properties: dict[str, str]


@dataclass(frozen=True)
class IngestResult:
    source: str  # path or file name as given
    status: str  # "ok" | "empty" | "unreadable" | "too_large" | "unsupported"
    document: Document | None
    error: str | None = None


# --------------------------------------------------------------------------------------------
# Text extraction
# --------------------------------------------------------------------------------------------


def extract_text(filename: str, data: bytes, limits: Limits = Limits()) -> Extracted:
    """Return the text and properties of one file.

    Raises ``DocumentError`` with status ``too_large``, ``unreadable`` or ``unsupported``.
    Whitespace-only text is returned as is; deciding "empty" is the caller's job because
    front matter must be removed first.
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED:
        raise DocumentError("unsupported", _unsupported_message(suffix))
    if len(data) > limits.max_bytes:
        raise DocumentError(
            "too_large", f"file is {len(data):,} bytes; the limit is {limits.max_bytes:,}"
        )
    if suffix in TEXT_SUFFIXES:
        text, properties = decode_text(data), dict[str, str]()
    else:
        fmt = suffix.lstrip(".")
        if fmt == "docx":
            check_zip(data, limits)
        text, properties = sandbox.extract(fmt, data, _sandbox_limits(limits))
    text = _normalise_newlines(text)
    if len(text) > limits.max_chars:
        raise DocumentError(
            "too_large", f"text is {len(text):,} characters; the limit is {limits.max_chars:,}"
        )
    return Extracted(text=text, properties=properties)


def _unsupported_message(suffix: str) -> str:
    shown = suffix or "(no extension)"
    return f"unsupported file type {shown}; supported: {', '.join(SUPPORTED)}"


def _sandbox_limits(limits: Limits) -> sandbox.SandboxLimits:
    return sandbox.SandboxLimits(
        cpu_seconds=limits.cpu_seconds,
        wall_seconds=limits.wall_seconds,
        memory_mb=limits.memory_mb,
        max_pdf_pages=limits.max_pdf_pages,
        max_chars=limits.max_chars,
    )


def _normalise_newlines(text: str) -> str:
    # One line-ending convention keeps front matter parsing and offsets simple downstream.
    return text.replace("\r\n", "\n").replace("\r", "\n")


_CONTROL_RE = re.compile(
    r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]"
)  # ESC (\x1b) is common: pasted terminal colours


def decode_text(data: bytes) -> str:
    """Return ``data`` decoded as UTF-8 (BOM allowed), UTF-16 with a BOM, or cp1252/latin-1.

    Raises ``DocumentError("unreadable")`` for binary content (NUL bytes, many control chars).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")  # Windows "Unicode" text files
        except UnicodeDecodeError as exc:
            raise DocumentError("unreadable", f"broken UTF-16 text: {exc}") from None
    if b"\x00" in data:
        raise DocumentError("unreadable", "file looks binary (contains NUL bytes), not text")
    text = _decode_8bit(data)
    controls = len(_CONTROL_RE.findall(text[:100_000]))
    if controls > max(8, len(text[:100_000]) // 100):
        raise DocumentError("unreadable", "file looks binary (many control characters), not text")
    return text


def _decode_8bit(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # never fails: every byte is a character


def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a DOCX whose zip is broken or would expand too far, before any parser opens it.

    The sizes come from the zip's central directory; Python's zipfile never inflates an entry
    past its declared size, so a lying header cannot get past these checks.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {info.filename for info in entries}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise DocumentError("unreadable", f"DOCX is not a valid zip file: {exc}") from None
    if len(entries) > limits.max_zip_entries:
        raise DocumentError(
            "too_large", f"DOCX has {len(entries):,} zip entries; limit {limits.max_zip_entries:,}"
        )
    expanded = sum(info.file_size for info in entries)
    packed = sum(info.compress_size for info in entries)
    if expanded > limits.max_zip_uncompressed:
        raise DocumentError(
            "too_large",
            f"DOCX expands to {expanded:,} bytes; limit {limits.max_zip_uncompressed:,}",
        )
    ratio = expanded / max(packed, 1)
    if ratio > limits.max_zip_ratio:
        raise DocumentError(
            "too_large",
            f"DOCX compression ratio {ratio:.0f}:1 exceeds {limits.max_zip_ratio:g}:1 (zip bomb?)",
        )
    if "word/document.xml" not in names:
        raise DocumentError("unreadable", "not a Word document: the zip has no word/document.xml")


# --------------------------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------------------------

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def parse_front_matter(text: str) -> tuple[dict[str, str], str, int]:
    """Split YAML front matter (``---`` ... ``---`` at the very start) from the body.

    Returns ``(meta, body, offset)`` with ``body == text[offset:]`` and meta keys lower-cased,
    values as strings (dates ISO, lists comma-joined). Text without front matter, or whose
    block is not a YAML mapping, comes back whole: ``({}, text, 0)``.
    """
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text, 0
    try:
        loaded = yaml.safe_load(match.group(1) or "")
    except yaml.YAMLError:
        return {}, text, 0  # a leading "---" rule, not front matter: keep everything
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        return {}, text, 0
    meta = {str(k).strip().lower(): _meta_string(v) for k, v in loaded.items() if v is not None}
    return {k: v for k, v in meta.items() if v}, text[match.end() :], match.end()


def _meta_string(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value if v is not None)
    return str(value).strip()


_ISO_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][0-9:.]*(?:Z|[+-][0-9:]+)?)?$")
_ORDINAL_RE = re.compile(r"(\d)(st|nd|rd|th)\b")
_MONTH_FORMATS = ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%B %Y", "%b %Y")


def normalise_date(value: str) -> str:
    """Return ``value`` as ``yyyy-mm-dd``; the date as written, no time-zone conversion.

    Accepts ``2026-03-05``, ``2026/03/05``, ``2026-03-05T10:00Z``, ``March 5, 2026``,
    ``5 Mar 2026``. Raises ``ValueError`` for anything else, including ambiguous
    ``03/05/2026``.
    """
    raw = value.strip()
    match = _ISO_RE.match(raw)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day).isoformat()
    cleaned = _ORDINAL_RE.sub(r"\1", raw.replace(",", " "))
    cleaned = " ".join(cleaned.replace("Sept ", "Sep ").split())
    for fmt in _MONTH_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date; use yyyy-mm-dd")


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def make_document(doc_id: str, text: str, meta: Mapping[str, str | None]) -> Document:
    """Return a ``Document`` for ``text`` with validated, normalised metadata.

    An unknown or missing ``kind`` is inferred from the text (``kind_inferred=True``).
    Raises ``DocumentError("unreadable")`` when ``date`` is given but is not a date.
    """
    title = _clean(meta.get("title"))
    kind = (_clean(meta.get("kind")) or "").lower()
    kind_inferred = kind not in KINDS
    if kind_inferred:
        kind = infer_kind(text, title)
    raw_date = _clean(meta.get("date"))
    try:
        iso_date = normalise_date(raw_date) if raw_date else None
    except ValueError as exc:
        raise DocumentError("unreadable", f"bad metadata: {exc}") from None
    return Document(
        id=doc_id,
        text=text,
        kind=kind,
        team=_clean(meta.get("team")),
        date=iso_date,
        title=title,
        author=_clean(meta.get("author")),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        kind_inferred=kind_inferred,
    )


def _merge_meta(*sources: Mapping[str, str | None]) -> dict[str, str | None]:
    """Return the first non-empty value of each metadata field across ``sources``, in order."""
    merged: dict[str, str | None] = {}
    for field in META_FIELDS:
        merged[field] = next((v for s in sources if (v := _clean(s.get(field)))), None)
    return merged


def _properties_meta(properties: Mapping[str, str]) -> dict[str, str | None]:
    # File properties are often junk ("Microsoft Word - draft3.doc", odd dates): a date that does
    # not parse is dropped rather than rejecting a document its owner never asked us to date.
    meta: dict[str, str | None] = dict(properties)
    if meta.get("date"):
        try:
            normalise_date(str(meta["date"]))
        except ValueError:
            meta["date"] = None
    return meta


# --------------------------------------------------------------------------------------------
# Ingestion
# --------------------------------------------------------------------------------------------


def ingest_bytes(
    filename: str,
    data: bytes,
    *,
    meta: Mapping[str, str | None] | None = None,
    doc_id: str | None = None,
    limits: Limits = Limits(),
) -> IngestResult:
    """Return the ingest result for one file; never raises for bad content.

    ``meta`` (form fields or a manifest row) overrides front matter, which overrides the file's
    properties. ``doc_id`` defaults to the file name without extension.
    """
    try:
        extracted = extract_text(filename, data, limits)
        front, body, _ = parse_front_matter(extracted.text)
        if not body.strip():
            raise DocumentError("empty", _empty_message(filename, bool(extracted.text.strip())))
        merged = _merge_meta(meta or {}, front, _properties_meta(extracted.properties))
        document = make_document(doc_id or Path(filename).stem, body, merged)
    except DocumentError as exc:
        return IngestResult(source=filename, status=exc.status, document=None, error=exc.message)
    return IngestResult(source=filename, status="ok", document=document)


def _empty_message(filename: str, had_text: bool) -> str:
    if had_text:
        return "document has front matter but no body text"
    if filename.lower().endswith(".pdf"):
        return "no extractable text (a scanned PDF needs OCR first)"
    return "document is empty"


def read_manifest(path: Path) -> dict[str, dict[str, str]]:
    """Return the manifest rows keyed by the ``file`` column as written.

    Each row maps column name to its stripped value (empty cells omitted). Raises
    ``DocumentError("unreadable")`` naming the row for a malformed manifest: no ``file``
    column, a row with the wrong number of cells, an empty or duplicate file, a bad date.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError("unreadable", f"{path.name}: cannot read manifest: {exc}") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise DocumentError("unreadable", f"{path.name}: manifest is empty") from None
    if "file" not in header:
        raise DocumentError(
            "unreadable", f"{path.name}: no 'file' column (found: {', '.join(header)})"
        )
    rows: dict[str, dict[str, str]] = {}
    first_line: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        row = _manifest_row(path.name, line, header, cells)
        name = row["file"]
        if name in rows:
            raise DocumentError(
                "unreadable",
                f"{path.name} row {line}: file {name!r} already listed on row {first_line[name]}",
            )
        rows[name], first_line[name] = row, line
    return rows


def _manifest_row(manifest: str, line: int, header: list[str], cells: list[str]) -> dict[str, str]:
    where = f"{manifest} row {line}"
    if len(cells) != len(header):
        raise DocumentError(
            "unreadable", f"{where}: expected {len(header)} cells, found {len(cells)}"
        )
    row = {k: v.strip() for k, v in zip(header, cells, strict=True) if v.strip()}
    if not row.get("file"):
        raise DocumentError("unreadable", f"{where}: the 'file' cell is empty")
    if row.get("date"):
        try:
            row["date"] = normalise_date(row["date"])
        except ValueError as exc:
            raise DocumentError("unreadable", f"{where}: {exc}") from None
    return row


def _lookup_row(rows: Mapping[str, dict[str, str]], rel: Path) -> dict[str, str] | None:
    """Return the manifest row for ``rel`` (a path relative to the docs folder), or None.

    A row matches by relative path, by file name, or by stem, in that order of preference.
    """
    index = {k.replace("\\", "/").removeprefix("./"): v for k, v in rows.items()}
    no_suffix = rel.with_suffix("").as_posix()
    for key in (rel.as_posix(), rel.name, no_suffix, rel.stem):
        if key in index:
            return index[key]
    return None


def _walk(root: Path) -> list[Path]:
    """Return the non-hidden files under ``root``, relative to it and sorted.

    Symlinked folders are not followed, so a link cannot pull in a tree outside ``root``.
    """
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        base = Path(folder).relative_to(root)
        found.extend(base / f for f in files if not f.startswith("."))
    return sorted(found, key=lambda p: p.as_posix())


def _document_ids(paths: list[Path]) -> dict[Path, str]:
    """Return an id per path: the stem, or the relative path when stems collide.

    ``a/x.md`` and ``b/x.md`` become ``a__x`` and ``b__x``; ``x.md`` and ``x.txt`` in one folder
    keep their extension (``x.md``) since nothing shorter tells them apart.
    """
    stems = Counter(p.stem for p in paths)

    def base(path: Path) -> str:
        if stems[path.stem] == 1:
            return path.stem
        return path.with_suffix("").as_posix().replace("/", "__")

    ids = {p: base(p) for p in paths}
    clashes = Counter(ids.values())
    return {p: i if clashes[i] == 1 else p.as_posix().replace("/", "__") for p, i in ids.items()}


def ingest_folder(
    root: Path, *, manifest: Path | None = None, limits: Limits = Limits()
) -> list[IngestResult]:
    """Return one result per document file under ``root`` (recursive, sorted by path).

    Hidden files and the manifest are skipped; non-document files (images, CSV, code) are skipped
    silently, while document formats we cannot read (``.doc``, ``.pages``, ...) are reported as
    ``unsupported``. ``root/manifest.csv`` is used when ``manifest`` is not given. Raises
    ``DocumentError`` only for a malformed manifest.
    """
    if manifest is None and (root / MANIFEST_NAME).is_file():
        manifest = root / MANIFEST_NAME
    rows = read_manifest(manifest) if manifest is not None else {}
    skip = {manifest.resolve()} if manifest is not None else set()
    files = [p for p in _walk(root) if (root / p).resolve() not in skip]
    documents = [p for p in files if p.suffix.lower() in SUPPORTED]
    ids = _document_ids(documents)
    results: list[IngestResult] = []
    for rel in files:
        source = str(root / rel)
        suffix = rel.suffix.lower()
        if suffix in DOCUMENT_LIKE:
            results.append(IngestResult(source, "unsupported", None, _unsupported_message(suffix)))
        elif suffix in SUPPORTED:
            results.append(_ingest_file(root / rel, ids[rel], _lookup_row(rows, rel), limits))
    return results


def _ingest_file(
    path: Path, doc_id: str, row: Mapping[str, str] | None, limits: Limits
) -> IngestResult:
    source = str(path)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            # Checked before reading so a huge file never lands in memory.
            message = f"file is {size:,} bytes; the limit is {limits.max_bytes:,}"
            return IngestResult(source, "too_large", None, message)
        data = path.read_bytes()
    except OSError as exc:
        return IngestResult(source, "unreadable", None, f"cannot read file: {exc.strerror}")
    result = ingest_bytes(path.name, data, meta=row, doc_id=doc_id, limits=limits)
    return IngestResult(source, result.status, result.document, result.error)
