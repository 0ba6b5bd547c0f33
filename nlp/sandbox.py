"""Run PDF and DOCX text extraction in a separate, resource-limited process.

pypdf and python-docx parse untrusted bytes: a 15 KB PDF can keep pypdf busy for seconds and a
1 MB DOCX zip bomb can drive python-docx past 1.9 GB. So extraction runs in a child process
(``python -m nlp.sandbox``) under RLIMIT_CPU and RLIMIT_AS, and the parent kills it when the
wall-clock limit passes. Children are reused between files because starting Python and importing
pypdf costs more than extracting a small file.

Protocol (one request at a time per child): the parent writes one JSON line
``{"format", "size", "cpu_seconds", "memory_mb", "max_pdf_pages", "max_chars"}`` followed by
``size`` raw bytes; the child answers one JSON line, either
``{"ok": true, "text", "properties"}`` or ``{"ok": false, "status", "message", "fatal"}``.
Answers are JSON, never pickle, so a child that was subverted by a hostile file cannot run code
in the parent.
"""

from __future__ import annotations

import atexit
import io
import json
import logging
import math
import os
import re
import resource
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlp.errors import DocumentError

FORMATS = ("pdf", "docx")
_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)
_MAX_TASKS_PER_CHILD = 200  # recycle now and then so slow leaks in the parsers cannot pile up


@dataclass(frozen=True)
class SandboxLimits:
    """The limits one extraction runs under (a subset of ``nlp.ingest.Limits``)."""

    cpu_seconds: int = 20
    wall_seconds: float = 30.0
    memory_mb: int = 1024
    max_pdf_pages: int = 300
    max_chars: int = 2_000_000


# --------------------------------------------------------------------------------------------
# Parent side
# --------------------------------------------------------------------------------------------


class _Child:
    """One worker process speaking the line protocol above."""

    def __init__(self, command: Sequence[str]) -> None:
        env = dict(os.environ)
        # The child must import ``nlp`` even when saydo is not installed (running from a checkout).
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen(  # noqa: S603 - fixed command, no shell
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )
        self.tasks = 0
        self.fatal = False

    def alive(self) -> bool:
        return self.proc.poll() is None and not self.fatal

    def request(self, header: dict[str, Any], data: bytes, deadline: float) -> dict[str, Any]:
        """Send one request and return the decoded answer.

        Raises ``ConnectionError`` when the child was already gone before the request,
        ``TimeoutError`` when ``deadline`` (a ``time.monotonic()`` value) passes and ``EOFError``
        when the child dies while working on the request.
        """
        assert self.proc.stdin is not None
        self.tasks += 1
        line = json.dumps({**header, "size": len(data)}).encode() + b"\n"
        try:
            self.proc.stdin.write(line)
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except OSError as exc:  # BrokenPipeError: nobody is reading
            raise ConnectionError("sandbox process is gone") from exc
        try:
            answer = json.loads(self._read_line(deadline))
        except ValueError as exc:
            raise EOFError("sandbox answered garbage") from exc
        if not isinstance(answer, dict):
            raise EOFError("sandbox answered garbage")
        self.fatal = bool(answer.get("fatal"))
        return answer

    def _read_line(self, deadline: float) -> bytes:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        chunks: list[bytes] = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise EOFError("sandbox process exited")
            chunks.append(chunk)
            if chunk.endswith(b"\n"):
                return b"".join(chunks)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()


class SandboxPool:
    """A small, thread-safe pool of extraction children.

    ``command`` starts one child; it is a parameter so a deployment can wrap it (``nice``,
    a container runtime) and tests can substitute a misbehaving child.
    """

    def __init__(
        self,
        command: Sequence[str] | None = None,
        *,
        max_workers: int | None = None,
        max_idle: int = 2,
    ) -> None:
        self.command = list(command or [sys.executable, "-m", "nlp.sandbox"])
        self.max_idle = max_idle
        self._idle: list[_Child] = []
        self._lock = threading.Lock()
        # Bounds how many parsers run at once: each may take up to memory_mb of RAM.
        self._slots = threading.BoundedSemaphore(max_workers or max(2, os.cpu_count() or 2))

    def extract(self, fmt: str, data: bytes, limits: SandboxLimits) -> tuple[str, dict[str, str]]:
        """Return ``(text, properties)`` extracted from ``data`` in a child process.

        Raises ``DocumentError`` with status ``unreadable`` or ``too_large`` when the file is
        broken, encrypted, too big, or exceeds the CPU, memory or wall-clock limit.
        """
        header = {
            "format": fmt,
            "cpu_seconds": limits.cpu_seconds,
            "memory_mb": limits.memory_mb,
            "max_pdf_pages": limits.max_pdf_pages,
            "max_chars": limits.max_chars,
        }
        with self._slots:
            answer = self._run(header, data, limits, fmt)
        if answer.get("ok"):
            return str(answer["text"]), {str(k): str(v) for k, v in answer["properties"].items()}
        raise DocumentError(str(answer.get("status", "unreadable")), str(answer.get("message")))

    def _run(
        self, header: dict[str, Any], data: bytes, limits: SandboxLimits, fmt: str
    ) -> dict[str, Any]:
        deadline = time.monotonic() + limits.wall_seconds
        for attempt in range(2):
            child = self._acquire()
            try:
                answer = child.request(header, data, deadline)
            except ConnectionError:
                child.kill()
                if attempt == 0:
                    continue  # an idle child died on its own (say, the OOM killer): use a new one
                raise DocumentError(
                    "unreadable", "the extraction sandbox failed to start"
                ) from None
            except TimeoutError:
                child.kill()
                message = f"{fmt.upper()} text extraction exceeded {limits.wall_seconds:g} s"
                raise DocumentError("unreadable", message) from None
            except EOFError:
                child.kill()
                message = _death_message(fmt, child.proc.returncode, limits)
                raise DocumentError("unreadable", message) from None
            self._release(child)
            return answer
        raise AssertionError("unreachable")

    def _acquire(self) -> _Child:
        with self._lock:
            while self._idle:
                child = self._idle.pop()
                if child.alive():
                    return child
                child.kill()
        return _Child(self.command)

    def _release(self, child: _Child) -> None:
        with self._lock:
            if (
                child.alive()
                and child.tasks < _MAX_TASKS_PER_CHILD
                and len(self._idle) < self.max_idle
            ):
                self._idle.append(child)
                return
        child.kill()

    def close(self) -> None:
        """Stop every idle child (busy ones are stopped when their request ends)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for child in idle:
            child.kill()


def _death_message(fmt: str, returncode: int | None, limits: SandboxLimits) -> str:
    """Explain why a child died, from its exit code."""
    if returncode == -signal.SIGXCPU:
        return f"{fmt.upper()} text extraction exceeded {limits.cpu_seconds} s of CPU time"
    if returncode in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT):
        return (
            f"{fmt.upper()} text extraction crashed (signal {-returncode}); file is likely broken"
        )
    return f"{fmt.upper()} text extraction failed (exit code {returncode})"


_default_pool: SandboxPool | None = None
_default_lock = threading.Lock()


def default_pool() -> SandboxPool:
    """Return the process-wide pool, created on first use and closed at exit."""
    global _default_pool
    with _default_lock:
        if _default_pool is None:
            _default_pool = SandboxPool()
            atexit.register(_default_pool.close)
        return _default_pool


def extract(fmt: str, data: bytes, limits: SandboxLimits) -> tuple[str, dict[str, str]]:
    """Return ``(text, properties)`` for a ``pdf`` or ``docx`` file, via the default pool."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown sandbox format {fmt!r}; valid: {', '.join(FORMATS)}")
    return default_pool().extract(fmt, data, limits)


# --------------------------------------------------------------------------------------------
# Child side: everything below runs only inside the sandbox process.
# --------------------------------------------------------------------------------------------


class _Refusal(Exception):
    """A file the child refuses, with the ingest status to report."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status


_PDF_DATE_RE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")


def _pdf_date(raw: object) -> str | None:
    """Return the ISO date of a PDF date string such as ``D:20260305101500+01'00'``, or None."""
    match = _PDF_DATE_RE.match(str(raw or "").strip())
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    return f"{year}-{month}-{day}" if "01" <= month <= "12" and "01" <= day <= "31" else None


def _extract_pdf(data: bytes, limits: dict[str, int]) -> tuple[str, dict[str, str]]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Many PDFs carry only an owner password (restricting printing, say) and open with an
            # empty user password; those are readable. Anything else needs a password we lack.
            try:
                opened = reader.decrypt("")
            except Exception as exc:  # pypdf raises several types, incl. missing crypto deps
                raise _Refusal("unreadable", f"PDF is encrypted ({exc})") from None
            if not opened:
                raise _Refusal("unreadable", "PDF is encrypted and needs a password")
        pages = len(reader.pages)
        if pages > limits["max_pdf_pages"]:
            raise _Refusal(
                "too_large", f"PDF has {pages} pages; the limit is {limits['max_pdf_pages']}"
            )
        texts: list[str] = []
        total = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            total += len(text)
            if total > limits["max_chars"]:
                raise _Refusal("too_large", f"PDF text exceeds {limits['max_chars']:,} characters")
            texts.append(text)
        meta: Mapping[str, Any] = reader.metadata or {}
    except FileNotDecryptedError:
        raise _Refusal("unreadable", "PDF is encrypted and needs a password") from None
    except PdfReadError as exc:
        raise _Refusal("unreadable", f"PDF is broken: {exc}") from None
    props = {
        "title": str(meta.get("/Title") or "").strip(),
        "author": str(meta.get("/Author") or "").strip(),
        "date": _pdf_date(meta.get("/CreationDate")) or "",
    }
    return "\n\n".join(texts), {k: v for k, v in props.items() if v}


def _extract_docx(data: bytes, limits: dict[str, int]) -> tuple[str, dict[str, str]]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    total = 0
    # iter_inner_content keeps paragraphs and tables in reading order.
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            new = [block.text]
        elif isinstance(block, Table):
            new = list(_table_lines(block))
        else:
            continue
        total += sum(len(line) + 1 for line in new)
        if total > limits["max_chars"]:
            raise _Refusal("too_large", f"DOCX text exceeds {limits['max_chars']:,} characters")
        lines.extend(new)
    core = document.core_properties
    created = core.created.date().isoformat() if core.created else ""
    props = {"title": (core.title or "").strip(), "author": (core.author or "").strip()}
    props["date"] = created
    return "\n".join(lines), {k: v for k, v in props.items() if v}


def _table_lines(table: Any) -> list[str]:
    """Return the text of each cell, row by row; merged cells appear once."""
    lines: list[str] = []
    for row in table.rows:
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell repeats across the columns it spans
                continue
            seen.add(id(cell._tc))
            lines.extend(p.text for p in cell.paragraphs)
    return lines


_EXTRACTORS: dict[str, Callable[[bytes, dict[str, int]], tuple[str, dict[str, str]]]] = {
    "pdf": _extract_pdf,
    "docx": _extract_docx,
}


def _apply_limits(header: dict[str, Any]) -> None:
    """Cap this process's memory and the CPU time of the coming request (soft limits only).

    Soft limits leave room to raise them again for the next request; RLIMIT_CPU counts the
    process's whole life, so the cap is set relative to the CPU already used.
    """
    memory = int(header["memory_mb"]) * 1024 * 1024
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = math.ceil(usage.ru_utime + usage.ru_stime) + int(header["cpu_seconds"])
    for which, soft in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CPU, cpu)):
        _, hard = resource.getrlimit(which)
        # A soft limit above the hard one is refused; the hard one (a container's, say) rules.
        resource.setrlimit(
            which, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard)
        )


def _handle(header: dict[str, Any], data: bytes) -> dict[str, Any]:
    fmt = str(header.get("format"))
    extractor = _EXTRACTORS.get(fmt)
    if extractor is None:
        return {"ok": False, "status": "unsupported", "message": f"unknown format {fmt!r}"}
    limits = {k: int(header[k]) for k in ("max_pdf_pages", "max_chars")}
    try:
        _apply_limits(header)
        text, props = extractor(data, limits)
    except _Refusal as exc:
        return {"ok": False, "status": exc.status, "message": str(exc)}
    except MemoryError:
        # The heap may be in a poor state after this; ask the parent to retire this child.
        message = f"{fmt.upper()} needed more than {header['memory_mb']} MB of memory"
        return {"ok": False, "status": "too_large", "message": message, "fatal": True}
    except RecursionError:
        return {"ok": False, "status": "unreadable", "message": f"{fmt.upper()} nests too deeply"}
    except Exception as exc:  # any parser failure on hostile input means "unreadable"
        detail = f"{type(exc).__name__}: {exc}"[:300]
        return {
            "ok": False,
            "status": "unreadable",
            "message": f"{fmt.upper()} is broken: {detail}",
        }
    return {"ok": True, "text": text, "properties": props}


def _read_exact(stream: io.BufferedReader, size: int) -> bytes:
    parts: list[bytes] = []
    while size > 0:
        chunk = stream.read(size)
        if not chunk:
            raise EOFError
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)


def main() -> None:
    """Serve extraction requests on stdin/stdout until stdin closes."""
    logging.disable(logging.WARNING)  # pypdf logs every oddity of a file; the parent wants answers
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        line = stdin.readline()
        if not line:
            return
        header = json.loads(line)
        data = _read_exact(stdin, int(header["size"]))  # type: ignore[arg-type]
        answer = _handle(header, data)
        stdout.write(json.dumps(answer).encode() + b"\n")
        stdout.flush()
        if answer.get("fatal"):
            return


if __name__ == "__main__":
    main()
