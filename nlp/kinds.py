"""Guess a document's kind (memo, promotion, postmortem, other) from its title and opening.

A rule-based scorer: general cue phrases of each genre (section headings such as "Root cause" or
"Consequences", phrases such as "operates at the level of") add weight to a kind; the best kind
wins when it clears a floor, else ``other``. Rules rather than a model because the genres have
strong, stable conventions and the result must be explainable. Only the opening of a document is
read: genre shows in the first sections, and long appendices add noise.

Evaluate on folders whose kind is known::

    python -m nlp.kinds --eval /work/shared/data/realworld                  # these rules alone
    python -m nlp.kinds --eval /work/shared/data/realworld --embedder onnx  # as the engine infers

With ``--embedder`` the kind is inferred as the engine does it: a title naming its genre, else
the cue scores together with the opening's similarity to each kind (``nlp.genre``).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

OPENING_CHARS = 8000
MIN_SCORE = 3.0
HEADING_WEIGHT = 2.0  # a cue that is a section heading says more than one in passing


@dataclass(frozen=True)
class Cue:
    """A regular expression that, found in the opening, adds ``weight`` to ``kind``."""

    kind: str
    pattern: re.Pattern[str]
    weight: float
    heading_only: bool = False


# Patterns run on lower-cased text. Keep them general: genre conventions, not organisation words.
# Each group: (kind, weight, heading_only, patterns). Heading-only patterns must start a heading.
_CUE_TABLE: tuple[tuple[str, float, bool, tuple[str, ...]], ...] = (
    # Incident reviews.
    ("postmortem", 4, False, (
        r"\bpost[- ]?mortem\b",
        r"\bincident (?:review|report|analysis)\b",
        r"\broot[- ]cause analysis\b",
        r"\brca\b",
    )),
    ("postmortem", 2, False, (
        r"\broot causes?\b",
        r"\boutage\b",
        r"\btime to (?:repair|resolve|detect)\b",
        r"\bcustomer impact\b",
        r"\bincident (?:declared|started|commander|response)\b",
        r"\bdowntime\b",
        r"\bwas (?:detected|mitigated|resolved) (?:at|by|on)\b",
    )),
    ("postmortem", 1, False, (
        r"\bincident\b",
        r"\bdegraded\b",
        r"\bon-?call\b",
        r"\bpaged\b",
        r"\brolled back\b",
        r"\ball times\b",
        r"\bcompromised?\b",
        r"\battack(?:er)?s?\b",
    )),
    # Reviews that do not call themselves incident reports ("This after-action review covers",
    # "Port Halem: learning review", "This is a review of the intake delays").
    ("postmortem", 3, False, (
        r"\bafter[- ]action review\b",
        r"\blearning review\b",
        r"(?m)^\W*(?:this is )?(?:a |an )?review of\b",
        r"\binvestigation (?:summary|report|findings)\b",
    )),
    ("postmortem", 3, True, (
        r"^what happened\b",
        r"^timeline\b",
        r"^action items?\b",
        r"^lessons learn(?:ed|t)\b",
        r"^contributing factors?\b",
        r"^root cause",
        r"^what went (?:well|wrong|poorly)\b",
        r"^where we got lucky\b",
        r"^(?:resolution|recovery|remediation|detection)\b",
        r"^(?:corrective|preventa?t?ive)\b",
        r"^(?:customer )?impact\b",
        r"^key events\b",
        r"^(?:issue )?summary of (?:the )?incident\b",
        r"^trigger\b",
        r"^follow[- ]?ups?\b",
    )),
    # Promotion and performance write-ups (and the process documents around them).
    ("promotion", 4, False, (
        r"\bpromotion (?:packet|document|case|doc|proposal|nomination)\b",
        r"\brecommend(?:ed|ing)? (?:\w+ )?for promotion\b",
        r"\bperformance (?:review|evaluation|appraisal)s?\b",
        r"\boperates? at the (?:\w+ )?level\b",
        r"\bis ready for (?:the next level|promotion|senior|staff)\b",
        r"\brecommend(?:ing|ed)? (?:him|her|them|[a-z]+) for (?:senior|staff|principal|lead|promotion)\b",
        r"\bpromot(?:e|ing) [a-z]+(?: [a-z]+)? to (?:senior|staff|principal|lead|level|l\d|manager|director|engineering manager)\b",
        r"\bcareer (?:ladder|path|framework|development|check-?in)s?\b",
        r"\bself[- ](?:review|assessment)\b",
    )),
    ("promotion", 3, False, (
        # "Proposed role: Senior SRE", "Proposing Carla Mendes for Senior Community Manager",
        # "Live Ops Engineer → Senior Live Ops Engineer", "in support of tenure for"
        r"\b(?:current|proposed|new|target) (?:role|title|level|grade)\s*:",
        r"\bpropos(?:e|ing|al:?) [a-z]+(?: [a-z]+)? (?:for|to) (?:the role of |the )?(?:senior|staff|"
        r"principal|lead|team lead|head|manager|director|partner)\b",
        r"(?:→|->)\s*(?:senior|staff|principal|lead|head|manager|director)\b",
        r"\btenure (?:recommendation|committee|review|case)\b|\bin support of tenure\b",
    )),
    ("promotion", 2, False, (
        r"\bpromot(?:ion|ions|ed|e)\b",
        r"\bnext level\b",
        r"\bcalibrat(?:ion|e)\b",
        r"\bcompetenc(?:y|ies)\b",
        r"\btalent assessment\b",
        r"\bperformance (?:plan|management|rating)\b",
        r"\bgrowth areas?\b",
        r"\b(?:senior|staff|principal|intermediate) (?:engineer|role|level)\b",
        r"\bmid-?year\b",
        r"\bend[- ]of[- ]year\b",
        r"\bsupervisor\b",
        r"\bdirect reports?\b",
    )),
    ("promotion", 1, False, (
        r"\bcareer\b",
        r"\bmanager\b",
        r"\b1[:-]1s?\b",
        r"\bone[- ]on[- ]one\b",
        r"\bstrengths\b",
        r"\bfeedback\b",
        r"\bemployee\b",
        r"\bjob (?:family|level|grade)\b",
    )),
    ("promotion", 3, True, (
        r"^strengths\b",
        r"^(?:areas for|opportunities for) (?:growth|improvement)\b",
        r"^promotion\b",
        r"^(?:self[- ])?(?:assessment|review)\b",
        r"^accomplishments\b",
    )),
    # Meeting notes, newsletters, all-hands and year-end letters: the genre of "other".
    ("other", 4, False, (
        r"(?m)^\W*(?:present|attendees|apologies|in attendance)\W*:",
        r"\b(?:meeting notes|minutes of|agenda)\b",
        r"\bfrequently asked questions\b",
    )),
    ("other", 2, False, (
        r"(?m)^\W*(?:dear (?:colleagues|friends|all|everyone)|hi everyone|hello everyone|"
        r"to everyone at)\b",
        r"\bnewsletter\b",
        r"\b(?:end of (?:the )?year|year[- ]end|mid-?year|looking back on)\b",
    )),
    # Decision memos, ADRs, RFCs, PEPs, KEPs.
    ("memo", 4, False, (
        r"\bstatus:\s*(?:accepted|proposed|rejected|superseded|deprecated|draft|final)\b",
        r"\bstatus:\s*implementable\b",
        r"\b(?:architecture )?decision record\b",
        r"\b(?:adr|rfc|pep|kep)\b",
        r"\bdecision (?:memo|outcome|drivers|maker)\b",
        r"\b(?:considered|options) (?:options|considered)\b",
    )),
    ("memo", 2, False, (
        r"\bproposal\b",
        r"\bwe (?:will|decided|propose|chose|recommend)\b",
        r"\balternatives?\b",
        r"\btrade-?offs?\b",
        r"\bproposed\b",
        r"\bnon-?goals\b",
        r"\brationale\b",
        r"\bbackwards? compatibility\b",
        r"\bdrawbacks\b",
        r"\*\*decision:?\*\*|^decision:",
        r"\b(?:per|citing|under) our [\w-]+(?: [\w-]+)? (?:tenet|principle)\b",
        r"\bi(?:'m| am) (?:changing|deciding|choosing|proposing|approving)\b",
        r"\bwe(?:'re| are) (?:choosing|deciding|going with|moving to|switching)\b",
        r"\bbefore (?:i|we) decide\b",
        r"\b(?:requesting|request for) (?:approval|sign-?off)\b",
    )),
    ("memo", 1, False, (
        r"\bdecision\b",
        r"\bpropose\b",
        r"\boption\b",
        r"\bpros\b",
        r"\bcons\b",
        r"\bspecification\b",
        r"\bmotivation\b",
        r"\bimplementation\b",
        r"\brecommendation\b",
    )),
    ("memo", 3, True, (
        r"^context\b",
        r"^decisions?\b",
        r"^consequences\b",
        r"^status\b",
        r"^alternatives?\b",
        r"^(?:considered|rejected) (?:options|alternatives|ideas)\b",
        r"^proposals?\b",
        r"^motivation\b",
        r"^goals\b",
        r"^non-?goals\b",
        r"^problem(?: statement)?\b",
        r"^(?:abstract|rationale|specification)\b",
        r"^design(?: details)?\b",
        r"^drawbacks\b",
        r"^open (?:questions|issues)\b",
        r"^pros and cons\b",
        r"^options\b",
        r"^recommendation\b",
    )),
)  # fmt: skip

CUES: tuple[Cue, ...] = tuple(
    Cue(kind, re.compile(pattern), weight, heading_only)
    for kind, weight, heading_only, patterns in _CUE_TABLE
    for pattern in patterns
)

_MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)
_RST_HEADING_RE = re.compile(r"^(\S[^\n]{0,100})\n([=\-~^\"'`*+#])\2{2,}\s*$", re.M)
_BOLD_HEADING_RE = re.compile(r"^\s*(?:[-*]\s+)?\*\*([^*\n]{2,80})\*\*:?\s*:?\s*$", re.M)
_HTML_HEADING_RE = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.S)
_LIST_LABEL_RE = re.compile(r"^\s*[-*]\s+\*\*([^*\n]{2,60})\*\*", re.M)


def headings(text: str) -> list[str]:
    """Return the section headings of ``text`` (Markdown, reStructuredText, bold lines, HTML),
    lower-cased, stripped of numbering and punctuation."""
    found: list[str] = []
    for regex in (
        _MD_HEADING_RE,
        _RST_HEADING_RE,
        _BOLD_HEADING_RE,
        _HTML_HEADING_RE,
        _LIST_LABEL_RE,
    ):
        found.extend(m.group(1) for m in regex.finditer(text))
    return [_plain_heading(h) for h in found]


def _plain_heading(heading: str) -> str:
    heading = re.sub(r"<[^>]+>|[*_`\[\]]", "", heading.lower())
    return re.sub(r"^[\d.\s)\-:]+", "", heading).strip(" :.")


def kind_scores(text: str, title: str | None = None) -> dict[str, float]:
    """Return the cue score of each kind for a document's opening (higher = more likely)."""
    opening = text[:OPENING_CHARS]
    body = f"{title or ''}\n{opening}".lower()
    heads = headings(opening) + ([_plain_heading(title)] if title else [])
    scores: dict[str, float] = {"memo": 0.0, "promotion": 0.0, "postmortem": 0.0, "other": 0.0}
    for cue in CUES:
        if cue.heading_only:
            if any(cue.pattern.search(h) for h in heads):
                scores[cue.kind] += cue.weight * HEADING_WEIGHT / 2
        elif cue.pattern.search(body):
            scores[cue.kind] += cue.weight
            if title and cue.pattern.search(title.lower()):
                scores[cue.kind] += cue.weight  # a title names the genre more reliably
    return scores


# A title that names its genre outright ("Promotion case - ...", "Case review - ...", "Clinical
# Governance Committee - minutes") settles the kind: writers name genres more reliably than any
# cue in the body, which may discuss another genre (a memo about a past incident).
_TITLE_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("postmortem", re.compile(
        r"\b(?:post[- ]?mortem|incident report|root[- ]cause analysis|lessons learn(?:ed|t))\b|"
        # "Review: Hollis Street", "Near miss — review", "Post-event review", "Project X - close
        # review"; not "Design review outcome" or "2027 fee review"
        r"(?:^|[-–—:]\s*)review\b|\b(?:post[- ]?\w+|incident|after[- ]action|case|complaint|matter|"
        r"close|event|report|service change|safety|near[- ]miss) review\b", re.I)),
    ("promotion", re.compile(
        r"\b(?:promotion (?:case|packet|write-?up|nomination|recommendation|proposal)|"
        r"(?:promotion|nomination) (?:to|for)|performance review|nomination|"
        r"(?:promotion|upgrade) recommendation|partnership (?:case|nomination|proposal)|"
        r"equity partnership)\b", re.I)),
    ("other", re.compile(
        r"\b(?:minutes|meeting notes|notes from|all-hands|all hands|town hall|agenda|newsletter|"
        r"(?:weekly|monthly|quarterly) update|a note from)\b|\bmeeting\b.*\bnotes\b|\bnotes,",
        re.I)),
    ("memo", re.compile(
        r"\b(?:decision (?:record|memo|request|note)|proposal|adr[- ]?\d+|rfc[- ]?\d*)\b|"
        r"^(?:decision|guidance)\b|[-–—:]\s*decision$", re.I)),
)  # fmt: skip


def title_kind(title: str | None) -> str | None:
    """The kind a title names outright, when exactly one kind is named."""
    if not title:
        return None
    named = {kind for kind, pattern in _TITLE_KINDS if pattern.search(title)}
    return named.pop() if len(named) == 1 else None


def infer_kind(text: str, title: str | None = None) -> str:
    """Return ``memo``, ``promotion``, ``postmortem`` or ``other`` for a document.

    >>> infer_kind("# Outage on May 3\\n## Timeline\\n...\\n## Root cause\\n...")
    'postmortem'
    """
    named = title_kind(title)
    if named:
        return named
    scores = kind_scores(text, title)
    kind, best = max(scores.items(), key=lambda item: item[1])
    return kind if best >= MIN_SCORE else "other"


# --------------------------------------------------------------------------------------------
# Evaluation on folders of known kind
# --------------------------------------------------------------------------------------------

FOLDER_KINDS = {"decisions": "memo", "postmortems": "postmortem", "promotions": "promotion"}
LABELS = ("memo", "promotion", "postmortem", "other")


def _labelled_files(root: Path) -> Iterable[tuple[str, Path]]:
    for folder in FOLDER_KINDS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and not path.name.startswith((".", "_")):
                yield folder, path


def evaluate(
    root: Path, embedder: str | None = None, trained: bool = True
) -> dict[str, Counter[tuple[str, str]]]:
    """Return, per folder, a counter of ``(expected, predicted)`` pairs over its files.

    Files go through front matter removal as ingestion does, so the front matter title counts.
    """
    from nlp.ingest import decode_text, parse_front_matter  # here: ingest imports this module

    files = []
    for folder, path in _labelled_files(root):
        meta, body, _ = parse_front_matter(decode_text(path.read_bytes()).replace("\r\n", "\n"))
        files.append((folder, body, meta.get("title")))
    if embedder is None:
        predicted = [infer_kind(body, title) for _, body, title in files]
    else:
        predicted = _infer_with_encoder(
            [(body, title) for _, body, title in files], embedder, trained
        )
    results: dict[str, Counter[tuple[str, str]]] = {f: Counter() for f in FOLDER_KINDS}
    for (folder, _, _), kind in zip(files, predicted, strict=True):
        results[folder][(FOLDER_KINDS[folder], kind)] += 1
    return results


def _infer_with_encoder(
    docs: list[tuple[str, str | None]], embedder_name: str, trained: bool
) -> list[str]:
    """Kinds as the engine infers them (nlp.pipeline): title, else cues plus the encoder,
    weighed by the trained model or (``trained`` False) by the fixed sum."""
    from nlp.embed import load_embedder  # here: the rules above need no model
    from nlp.genre import OPENING_SENTENCES, KindClassifier, kind_model_for
    from nlp.segment import Segmenter

    embedder = load_embedder(embedder_name)
    classifier = KindClassifier(embedder, kind_model_for(embedder.name) if trained else None)
    openings = [
        [s.text for s in sents[:OPENING_SENTENCES]]
        for sents in Segmenter().sentences_many([body for body, _ in docs])
    ]
    vecs = embedder.encode([s for opening in openings for s in opening])  # one encoder call
    out, at = [], 0
    for (body, title), opening in zip(docs, openings, strict=True):
        if opening:
            out.append(classifier.infer(body, title, vecs[at : at + len(opening)]))
        else:  # nothing to encode: the rules alone
            out.append(infer_kind(body, title))
        at += len(opening)
    return out


def _report(results: dict[str, Counter[tuple[str, str]]]) -> str:
    lines: list[str] = []
    total = Counter[tuple[str, str]]()
    for folder, pairs in results.items():
        n = sum(pairs.values())
        right = sum(c for (e, p), c in pairs.items() if e == p)
        lines.append(f"{folder:<12} {right:>4}/{n:<4} accuracy {right / max(n, 1):.3f}")
        total.update(pairs)
    n = sum(total.values())
    right = sum(c for (e, p), c in total.items() if e == p)
    lines.append(f"{'all':<12} {right:>4}/{n:<4} accuracy {right / max(n, 1):.3f}")
    lines.append("")
    lines.append("expected \\ predicted " + " ".join(f"{k:>10}" for k in LABELS))
    for expected in LABELS[:3]:
        row = " ".join(f"{total[(expected, p)]:>10}" for p in LABELS)
        lines.append(f"{expected:<20} {row}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--eval",
        type=Path,
        required=True,
        metavar="ROOT",
        help="folder with decisions/, postmortems/, promotions/ subfolders",
    )
    parser.add_argument("--misses", action="store_true", help="list misclassified files")
    parser.add_argument("--embedder", help="infer as the engine does, with this encoder (onnx)")
    parser.add_argument(
        "--fixed-sum", action="store_true", help="with --embedder: the untrained weighing"
    )
    args = parser.parse_args(argv)
    print(_report(evaluate(args.eval, args.embedder, not args.fixed_sum)))
    if args.misses:
        _print_misses(args.eval)


def _print_misses(root: Path) -> None:
    from nlp.ingest import decode_text, parse_front_matter

    for folder, path in _labelled_files(root):
        meta, body, _ = parse_front_matter(decode_text(path.read_bytes()).replace("\r\n", "\n"))
        scores = kind_scores(body, meta.get("title"))
        predicted = infer_kind(body, meta.get("title"))
        if predicted != FOLDER_KINDS[folder]:
            shown = " ".join(f"{k}={v:g}" for k, v in scores.items())
            print(f"{predicted:<10} {shown}  {path.relative_to(root)}")


if __name__ == "__main__":
    main()
