"""Tests for nlp.ingest and nlp.sandbox: formats, statuses, metadata precedence, folders, limits."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from nlp.errors import DocumentError
from nlp.ingest import (
    Limits,
    extract_text,
    ingest_bytes,
    ingest_folder,
    make_document,
    normalise_date,
    parse_front_matter,
    read_manifest,
)
from nlp.sandbox import SandboxLimits, SandboxPool

MEMO = """# Adopt PostgreSQL for billing

## Status
Accepted

## Context
We need transactions.

## Decision
We will use PostgreSQL.

## Consequences
One more database to run.
"""

# --------------------------------------------------------------------------------------------
# Builders: small real files written on the fly
# --------------------------------------------------------------------------------------------


def _pdf_from_streams(streams: list[bytes], compress: bool = False) -> bytes:
    """Return a minimal valid PDF whose pages draw the given content streams in Helvetica."""
    n = len(streams)
    font = 3 + 2 * n
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(),
    ]
    for i, stream in enumerate(streams):
        resources = f"/Resources << /Font << /F1 {font} 0 R >> >>"
        box = "/MediaBox [0 0 612 792]"
        page = f"<< /Type /Page /Parent 2 0 R {box} /Contents {4 + 2 * i} 0 R {resources} >>"
        body = zlib.compress(stream, 9) if compress else stream
        flt = b" /Filter /FlateDecode" if compress else b""
        objects.append(page.encode())
        objects.append(b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(body), flt, body))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, obj))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def make_pdf(*pages: str) -> bytes:
    return _pdf_from_streams([f"BT /F1 12 Tf 72 720 Td ({p}) Tj ET".encode() for p in pages])


def heavy_pdf(ops: int = 100_000) -> bytes:
    """A ~3 KB one-page PDF that keeps pypdf busy for seconds (many tiny compressed text ops)."""
    return _pdf_from_streams(
        [b"BT /F1 12 Tf 72 720 Td " + b"(x) Tj 1 0 Td " * ops + b"ET"], compress=True
    )


def rewrite_pdf(
    data: bytes, metadata: dict[str, str] | None = None, password: str | None = None
) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    if metadata:
        writer.add_metadata(metadata)
    if password:
        writer.encrypt(password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(*paragraphs: str, table: list[list[str]] | None = None, **core: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    for key, value in core.items():
        setattr(document.core_properties, key, value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bomb_docx(expanded_mb: int = 8) -> bytes:
    """A small .docx-shaped zip whose document.xml inflates ~1000x (8 MB from ~8 KB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b" " * (expanded_mb * 1024 * 1024))
    return out.getvalue()


@pytest.fixture(scope="module")
def docs_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("docs")
    (root / "memos").mkdir()
    (root / "memos" / "pg.md").write_text("---\ntitle: From front matter\nteam: data\n---\n" + MEMO)
    (root / "memos" / "notes.md").write_text("Just a note.")
    (root / "incidents").mkdir()
    (root / "incidents" / "notes.md").write_text("Another note.")  # stem collides with memos/notes
    (root / "incidents" / "broken.pdf").write_bytes(make_pdf("x")[:200])
    (root / "incidents" / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (root / "incidents" / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (root / ".hidden.md").write_text("secret")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD.md").write_text("ref")
    (root / "review.docx").write_bytes(make_docx("Root cause: a bad deploy.", title="Docx title"))
    (root / "manifest.csv").write_text(
        "file,kind,team,date,title,author\n"
        "memos/pg.md,memo,platform,2026/03/05,,\n"
        "review,postmortem,,March 5 2026,,Ann\n"
    )
    return root


# --------------------------------------------------------------------------------------------
# Front matter and offsets
# --------------------------------------------------------------------------------------------


def test_ingest_front_matter_is_parsed_and_stripped() -> None:
    text = "---\ntitle: Pick a DB\ndate: 2026-03-05\nkind: Memo\ntags: [a, b]\n---\n# Body\n"
    meta, body, offset = parse_front_matter(text)
    assert meta == {"title": "Pick a DB", "date": "2026-03-05", "kind": "Memo", "tags": "a, b"}
    assert body == "# Body\n"
    assert text[offset:] == body


def test_ingest_front_matter_absent_or_not_a_mapping_keeps_text() -> None:
    for text in (
        "# Title\n---\nnot: front\n---\n",
        "---\n- a list\n---\nbody",
        "---\n: [bad\n---\nx",
    ):
        assert parse_front_matter(text) == ({}, text, 0)


def test_ingest_document_text_is_the_body_so_offsets_index_it() -> None:
    text = "---\ntitle: T\n---\nFirst line.\nSecond line.\n"
    result = ingest_bytes("a.md", text.encode())
    assert result.document is not None
    _, body, offset = parse_front_matter(text)
    assert result.document.text == body == text[offset:]
    start = result.document.text.index("Second")
    assert result.document.text[start : start + 12] == "Second line."


def test_ingest_crlf_is_normalised_before_front_matter() -> None:
    result = ingest_bytes("a.md", b"---\r\ntitle: T\r\n---\r\nBody\r\nmore\r\n")
    assert result.document is not None
    assert result.document.title == "T"
    assert result.document.text == "Body\nmore\n"


# --------------------------------------------------------------------------------------------
# Metadata: precedence, dates, kinds, hashes
# --------------------------------------------------------------------------------------------


def test_ingest_meta_beats_front_matter() -> None:
    text = "---\ntitle: FM title\nteam: fm-team\nauthor: FM\n---\n" + MEMO
    result = ingest_bytes("a.md", text.encode(), meta={"team": "form-team", "title": None})
    doc = result.document
    assert doc is not None
    assert (doc.team, doc.title, doc.author) == ("form-team", "FM title", "FM")


def test_ingest_file_properties_fill_in_last() -> None:
    data = make_docx("Body text.", title="Props title", author="Props author")
    doc = ingest_bytes("a.docx", data, meta={"author": "Form author"}).document
    assert doc is not None
    assert (doc.title, doc.author) == ("Props title", "Form author")


def test_ingest_pdf_properties_title_author_date() -> None:
    meta = {"/Title": "Q3 review", "/Author": "Ann", "/CreationDate": "D:20260305101500+01'00'"}
    extracted = extract_text("a.pdf", rewrite_pdf(make_pdf("Hello"), metadata=meta))
    assert extracted.properties == {"title": "Q3 review", "author": "Ann", "date": "2026-03-05"}


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2026-03-05", "2026-03-05"),
        ("2026/03/05", "2026-03-05"),
        ("2026-3-5", "2026-03-05"),
        ("March 5 2026", "2026-03-05"),
        ("March 5th, 2026", "2026-03-05"),
        ("5 Mar 2026", "2026-03-05"),
        ("2026-03-05T10:00Z", "2026-03-05"),
        ("2026-03-05T23:30:00-05:00", "2026-03-05"),
        ("2026-03-05 10:00:00", "2026-03-05"),
    ],
)
def test_ingest_normalise_date_accepts_common_forms(raw: str, iso: str) -> None:
    assert normalise_date(raw) == iso


@pytest.mark.parametrize("raw", ["03/05/2026", "yesterday", "2026-13-01", "2026-02-30"])
def test_ingest_normalise_date_rejects_ambiguous_or_invalid(raw: str) -> None:
    with pytest.raises(ValueError, match="not a date|month|day"):
        normalise_date(raw)


def test_ingest_bad_date_in_meta_is_reported_not_raised() -> None:
    result = ingest_bytes("a.md", b"Body", meta={"date": "someday"})
    assert result.status == "unreadable"
    assert result.error is not None and "someday" in result.error


def test_ingest_make_document_validates_kind_and_hashes_text() -> None:
    doc = make_document("d1", MEMO, {"kind": "Memo", "date": "March 5, 2026"})
    assert (doc.kind, doc.kind_inferred, doc.date) == ("memo", False, "2026-03-05")
    assert doc.sha256 == hashlib.sha256(MEMO.encode()).hexdigest()
    unknown = make_document("d2", MEMO, {"kind": "rfc"})
    assert (unknown.kind, unknown.kind_inferred) == ("memo", True)
    missing = make_document("d3", "Groceries: milk, eggs.", {})
    assert (missing.kind, missing.kind_inferred, missing.date) == ("other", True, None)


def test_ingest_bad_date_in_make_document_raises() -> None:
    with pytest.raises(DocumentError) as caught:
        make_document("d", "text", {"date": "13/13/2026"})
    assert caught.value.status == "unreadable"


# --------------------------------------------------------------------------------------------
# Formats and every status
# --------------------------------------------------------------------------------------------


def test_ingest_pdf_pages_joined_by_blank_line() -> None:
    result = ingest_bytes("a.pdf", make_pdf("Page one", "Page two"))
    assert result.status == "ok" and result.document is not None
    assert result.document.text == "Page one\n\nPage two"


def test_ingest_docx_paragraphs_and_table_cells() -> None:
    data = make_docx("Intro", table=[["a1", "b1"], ["a2", "b2"]])
    result = ingest_bytes("a.docx", data)
    assert result.document is not None
    assert result.document.text == "Intro\na1\nb1\na2\nb2"


def test_ingest_text_decodings() -> None:
    assert extract_text("a.txt", "\ufeffcafé".encode()).text == "café"
    assert extract_text("a.txt", "café – ok".encode("cp1252")).text == "café – ok"
    assert extract_text("a.txt", "naïve".encode("utf-16")).text == "naïve"
    assert extract_text("a.txt", b"\x81\x8d caf\xe9").text == "\x81\x8d café"  # latin-1 last


@pytest.mark.parametrize(
    ("name", "data", "status", "fragment"),
    [
        ("empty.md", b"", "empty", "empty"),
        ("blank.txt", b"  \n\t\n", "empty", "empty"),
        ("fm-only.md", b"---\ntitle: x\n---\n\n", "empty", "no body"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "unreadable", "binary"),
        ("notes.pages", b"whatever", "unsupported", ".pages"),
        ("noext", b"text", "unsupported", "no extension"),
        ("bad.docx", b"PK\x03\x04 not really", "unreadable", "zip"),
    ],
)
def test_ingest_statuses_for_bad_content(
    name: str, data: bytes, status: str, fragment: str
) -> None:
    result = ingest_bytes(name, data)
    assert (result.status, result.document) == (status, None)
    assert result.error is not None and fragment in result.error


def test_ingest_truncated_pdf_is_unreadable() -> None:
    data = make_pdf("Hello there")
    result = ingest_bytes("cut.pdf", data[: len(data) // 2])
    assert result.status == "unreadable"
    assert result.error is not None and "PDF" in result.error


def test_ingest_encrypted_pdf_is_unreadable() -> None:
    result = ingest_bytes("locked.pdf", rewrite_pdf(make_pdf("Secret"), password="pw"))
    assert result.status == "unreadable"
    assert result.error is not None and "encrypted" in result.error


def test_ingest_pdf_without_text_is_empty() -> None:
    result = ingest_bytes("scan.pdf", _pdf_from_streams([b"0 0 m 10 10 l S"]))
    assert result.status == "empty"
    assert result.error is not None and "OCR" in result.error


def test_ingest_too_large_by_bytes_chars_and_pages() -> None:
    assert ingest_bytes("a.md", b"x" * 101, limits=Limits(max_bytes=100)).status == "too_large"
    assert ingest_bytes("a.md", b"x" * 101, limits=Limits(max_chars=100)).status == "too_large"
    result = ingest_bytes("a.pdf", make_pdf("one", "two"), limits=Limits(max_pdf_pages=1))
    assert result.status == "too_large"
    assert result.error is not None and "2 pages" in result.error


def test_ingest_docx_zip_bomb_is_too_large_before_parsing() -> None:
    data = zip_bomb_docx()
    assert len(data) < 50_000
    result = ingest_bytes("bomb.docx", data)
    assert result.status == "too_large"
    assert result.error is not None and "ratio" in result.error


def test_ingest_docx_zip_limits_entries_and_size() -> None:
    data = make_docx("Hello")
    few = ingest_bytes("a.docx", data, limits=Limits(max_zip_entries=3))
    assert few.status == "too_large" and few.error is not None and "entries" in few.error
    small = ingest_bytes("a.docx", data, limits=Limits(max_zip_uncompressed=1000))
    assert small.status == "too_large" and small.error is not None and "expands" in small.error


def test_ingest_zip_without_word_document_is_unreadable() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    result = ingest_bytes("a.docx", out.getvalue())
    assert result.status == "unreadable"
    assert result.error is not None and "word/document.xml" in result.error


# --------------------------------------------------------------------------------------------
# Sandbox limits
# --------------------------------------------------------------------------------------------


def test_ingest_slow_pdf_is_killed_at_the_wall_limit() -> None:
    started = time.monotonic()
    result = ingest_bytes("slow.pdf", heavy_pdf(), limits=Limits(wall_seconds=0.5))
    assert time.monotonic() - started < 2.0
    assert result.status == "unreadable"
    assert result.error == "PDF text extraction exceeded 0.5 s"
    assert ingest_bytes("ok.pdf", make_pdf("still works")).status == "ok"  # the pool recovers


def test_sandbox_child_runs_under_cpu_and_memory_limits() -> None:
    probe = (
        "from resource import getrlimit, RLIMIT_AS, RLIMIT_CPU; "
        "from nlp.sandbox import _apply_limits; "
        "_apply_limits({'cpu_seconds': 7, 'memory_mb': 300}); "
        "print(getrlimit(RLIMIT_CPU)[0], getrlimit(RLIMIT_AS)[0])"
    )
    repo = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=repo
    )
    cpu, memory = (int(v) for v in out.stdout.split())
    assert 7 < cpu <= 9  # relative to the CPU the child already used (rounded up)
    assert memory == 300 * 1024 * 1024


def test_sandbox_child_killed_for_cpu_reports_cpu_limit() -> None:
    # The kernel sends SIGXCPU when RLIMIT_CPU runs out; a child that gets it must read as such.
    suicide = "import os, signal, sys; sys.stdin.readline(); os.kill(os.getpid(), signal.SIGXCPU)"
    pool = SandboxPool([sys.executable, "-c", suicide])
    with pytest.raises(DocumentError, match="exceeded 3 s of CPU time") as caught:
        pool.extract("pdf", b"%PDF", SandboxLimits(cpu_seconds=3, wall_seconds=5))
    assert caught.value.status == "unreadable"


def test_sandbox_hung_child_is_killed_and_replaced() -> None:
    hung = SandboxPool([sys.executable, "-c", "import time; time.sleep(30)"])
    with pytest.raises(DocumentError, match=r"exceeded 0\.2 s"):
        hung.extract("pdf", b"%PDF", SandboxLimits(wall_seconds=0.2))
    dead = SandboxPool([sys.executable, "-c", "import sys; sys.stdin.readline()"])
    with pytest.raises(DocumentError, match="exit code 0"):
        dead.extract("pdf", b"%PDF", SandboxLimits(wall_seconds=5))


def test_sandbox_reuses_its_child_between_files() -> None:
    pool = SandboxPool()
    try:
        limits = SandboxLimits()
        assert pool.extract("pdf", make_pdf("one"), limits)[0] == "one"
        first = pool._idle[0].proc.pid
        assert pool.extract("pdf", make_pdf("two"), limits)[0] == "two"
        assert pool._idle[0].proc.pid == first
    finally:
        pool.close()


# --------------------------------------------------------------------------------------------
# Manifests and folders
# --------------------------------------------------------------------------------------------


def test_ingest_read_manifest_keys_and_normalises(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("\ufefffile,kind,team,date,title,author\na.md,memo, core ,2026/03/05,,\n\n")
    assert read_manifest(path) == {
        "a.md": {"file": "a.md", "kind": "memo", "team": "core", "date": "2026-03-05"}
    }


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("name,kind\na.md,memo\n", "no 'file' column"),
        ("file,kind\na.md,memo,extra\n", "row 2: expected 2 cells, found 3"),
        (
            "file,kind\na.md,memo\nb.md,memo\na.md,other\n",
            "row 4: file 'a.md' already listed on row 2",
        ),
        ("file,date\na.md,someday\n", "row 2: 'someday' is not a date"),
        ("file,kind\n,memo\n", "row 2: the 'file' cell is empty"),
        ("", "empty"),
    ],
)
def test_ingest_malformed_manifest_names_the_row(
    tmp_path: Path, content: str, fragment: str
) -> None:
    path = tmp_path / "manifest.csv"
    path.write_text(content)
    with pytest.raises(DocumentError) as caught:
        read_manifest(path)
    assert caught.value.status == "unreadable"
    assert fragment in caught.value.message


def test_ingest_folder_is_recursive_sorted_and_tolerant(docs_tree: Path) -> None:
    results = ingest_folder(docs_tree)
    by_name = {Path(r.source).relative_to(docs_tree).as_posix(): r for r in results}
    assert list(by_name) == [
        "incidents/broken.pdf",
        "incidents/notes.md",
        "incidents/old.doc",
        "memos/notes.md",
        "memos/pg.md",
        "review.docx",
    ]
    statuses = {k: r.status for k, r in by_name.items()}
    assert statuses["incidents/broken.pdf"] == "unreadable"
    assert statuses["incidents/old.doc"] == "unsupported"
    assert [
        s for k, s in statuses.items() if k not in ("incidents/broken.pdf", "incidents/old.doc")
    ] == ["ok"] * 4
    ids = {k: r.document.id for k, r in by_name.items() if r.document}
    assert ids == {
        "incidents/notes.md": "incidents__notes",
        "memos/notes.md": "memos__notes",
        "memos/pg.md": "pg",
        "review.docx": "review",
    }


def test_ingest_folder_manifest_wins_over_front_matter_and_properties(docs_tree: Path) -> None:
    docs = {r.document.id: r.document for r in ingest_folder(docs_tree) if r.document}
    pg = docs["pg"]  # matched by relative path; manifest team beats front matter's
    assert (pg.kind, pg.team, pg.date, pg.title) == (
        "memo",
        "platform",
        "2026-03-05",
        "From front matter",
    )
    review = docs["review"]  # matched by stem; title falls through to the DOCX properties
    assert (review.kind, review.kind_inferred, review.author) == ("postmortem", False, "Ann")
    assert (review.date, review.title) == ("2026-03-05", "Docx title")
    assert docs["memos__notes"].kind_inferred


def test_ingest_folder_explicit_manifest_elsewhere(docs_tree: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "other.csv"
    manifest.write_text("file,team\nnotes.md,ops\n")  # by file name: both notes.md files match
    docs = [r.document for r in ingest_folder(docs_tree, manifest=manifest) if r.document]
    assert {d.id: d.team for d in docs if "notes" in d.id} == {
        "incidents__notes": "ops",
        "memos__notes": "ops",
    }


def test_ingest_folder_same_stem_in_one_folder_keeps_extension(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("one")
    (tmp_path / "a.txt").write_text("two")
    assert [r.document.id for r in ingest_folder(tmp_path) if r.document] == ["a.md", "a.txt"]
