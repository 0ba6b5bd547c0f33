"""Say-do gaps (stated values the documents mostly violate) and unstated values (themes that
drive decisions but that no stated value explains)."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from nlp.anchors import FrameworkIndex
from nlp.context import DocContext
from nlp.drivers import (
    ACCOUNT,
    account_keywords,
    account_names,
    driver_keywords,
    driver_of,
    uncovered,
)
from nlp.records import DocumentFindings
from nlp.text import STOPWORDS, content_stems, words

UNEXPLAINED_SIM = 0.40  # a sentence closer than this to some stated value is "explained"
CLUSTER_DISTANCE = 0.55  # cosine distance for grouping unexplained motives into themes
MIN_THEME_DOCS = 3
# A reader acts on a handful of themes, not on a hundred; known drivers are always listed.
MAX_CLUSTER_THEMES = 8
# A customer named in a few documents is business as usual; one named across a tenth of them
# (and at least four) is steering decisions.
MIN_ACCOUNT_DOCS = 4
ACCOUNT_SHARE = 0.1
MOTIVE_CUE = re.compile(
    r"\b(?:because|so that|so we|in order to|to hit|to close|to land|to make|to protect|to win|"
    r"to keep|to meet|driven by|the reason|we need(?:ed)? to|must|matters?|critical|priority|"
    r"goal|target|praised?|recogni[sz]e[sd]?|rewarded|impact|promot\w+|deserves?|credit|"
    # "was part of why we chose now", "the date was set by the closeout", "it hinges on"
    r"why|set by|decided by|hinges? on|depends? on|due to|thanks to|reasons?|drove|drives|"
    r"justif\w+|qualif(?:y|ies|ied) for)\b",
    re.IGNORECASE,
)
# Words of the document genres themselves (every promotion write-up says "promote"): never themes.
_GENERIC = frozenset(
    """team teams work worked working make made need needed time week weeks month months quarter
    day days year people customer customers product company decision decisions memo doc document
    also get got going will would could should just like new one two three first last next
    promote promoted promotion promotions promoting recommend recommended recommendation
    recommending senior staff principal manager management lead impact effective strong strongly
    incident incidents outage postmortem review root cause proposal proposed decide decided
    level ready role engineer engineers engineering january february march april may june july
    august september october november december monday tuesday wednesday thursday friday""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Motive:
    """An unexplained decision-driving sentence: where it is and its embedding."""

    document: str
    sentence: int
    text: str
    start: int
    end: int
    driver: str | None = None  # a known unstated driver (nlp.drivers), else an unexplained motive


def say_do_gaps(
    values_table: list[dict[str, Any]], index: FrameworkIndex, findings: list[DocumentFindings]
) -> list[dict[str, Any]]:
    """A gap per value that the documents violate; score grows with share and volume of violations."""
    out = []
    for row in values_table:
        up, down = row["upheld_documents"], row["violated_documents"]
        if down == 0:
            continue
        score = down / (up + down + 1) * (1 - math.exp(-down / 3))
        value = index.framework.value(row["value"])
        worst = max(row["by_kind"].items(), key=lambda kv: kv[1]["violated"], default=None)
        where = (
            f"; worst in {worst[0]} documents ({worst[1]['violated']} violated, "
            f"{worst[1]['upheld']} upheld)"
            if worst
            else ""
        )
        out.append(
            {
                "type": "say_do_gap",
                "value": value.id,
                "score": round(score, 3),
                "summary": f"Stated “{value.name}”, but {down} of {up + down} documents that "
                f"take a stance on it violate it{where}.",
                "evidence": _violations(value.id, findings)[:5],
            }
        )
    return out


def _violations(value_id: str, findings: list[DocumentFindings]) -> list[dict[str, Any]]:
    return [
        f_v.evidence[0].as_dict()
        for f in findings
        for f_v in f.values
        if f_v.value == value_id and f_v.stance == "violates" and f_v.evidence
    ]


def motives(ctx: DocContext, index: FrameworkIndex) -> list[Motive]:
    """Sentences that state why something was decided or praised, yet match no stated value."""
    if not len(ctx.vecs):
        return []
    explained = np.maximum(index.value_similarity(ctx.vecs), index.anti_similarity(ctx.vecs))
    praise = ctx.document.kind == "promotion"
    out = []
    for i, sent in enumerate(ctx.sentences):
        for name in account_names(sent.text):  # an account word is reason enough
            out.append(Motive(ctx.document.id, i, sent.text, sent.start, sent.end, ACCOUNT + name))
        reason = bool(MOTIVE_CUE.search(sent.text))
        driver = driver_of(sent.text, reason or praise)
        if driver is None and (explained[i].max() >= UNEXPLAINED_SIM or not reason):
            continue
        out.append(Motive(ctx.document.id, i, sent.text, sent.start, sent.end, driver))
    return out


def unstated_values(
    found: list[Motive], vecs: np.ndarray, index: FrameworkIndex, n_documents: int
) -> list[dict[str, Any]]:
    """Known drivers the framework does not state, then unexplained motives clustered into themes
    present in several documents, named by keywords."""
    themes = _driver_themes(found, index, n_documents)
    taken = {w for t in themes for w in t["keywords"]}
    keep = [i for i, m in enumerate(found) if m.driver is None]
    found, vecs = [found[i] for i in keep], vecs[keep] if len(vecs) else vecs
    if len(found) < MIN_THEME_DOCS:
        return themes
    labels = _cluster(vecs)
    framework_stems = _framework_stems(index)
    groups: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        groups[int(label)].append(i)
    doc_freq = Counter(w for m in found for w in set(_terms(m.text)))
    names = _proper_nouns([m.text for m in found])
    clustered = []
    for members in groups.values():
        docs = sorted({found[i].document for i in members})
        if len(docs) < MIN_THEME_DOCS:
            continue
        keywords = _keywords(
            [found[i] for i in members], doc_freq, len(found), framework_stems, names
        )
        if len(keywords) < 2 or taken & set(keywords[:2]):
            continue  # not enough shared words to name it by, or a known driver again
        theme = " ".join(keywords[:2])
        clustered.append(_theme(theme, keywords[:6], [found[i] for i in members], n_documents))
    clustered = sorted(clustered, key=lambda t: -t["score"])[:MAX_CLUSTER_THEMES]
    return sorted(themes + clustered, key=lambda t: -t["score"])


def _driver_themes(
    found: list[Motive], index: FrameworkIndex, n_documents: int
) -> list[dict[str, Any]]:
    out = []
    for name in sorted(uncovered(index.framework)):
        members = [m for m in found if m.driver == name]
        if len({m.document for m in members}) < MIN_THEME_DOCS:
            continue
        keywords = driver_keywords(name, [m.text for m in members])
        out.append(_theme(name, keywords, members, n_documents))
    return out + _account_themes(found, index, n_documents)


def _account_themes(
    found: list[Motive], index: FrameworkIndex, n_documents: int
) -> list[dict[str, Any]]:
    """Key accounts named in many documents; the organization's own name and words of the
    framework are not accounts."""
    own = content_stems(index.framework.organization) | _framework_stems(index)
    need = max(MIN_ACCOUNT_DOCS, math.ceil(ACCOUNT_SHARE * n_documents))
    by_name: dict[str, list[Motive]] = defaultdict(list)
    for m in found:
        if m.driver and m.driver.startswith(ACCOUNT):
            by_name[m.driver[len(ACCOUNT) :]].append(m)
    out = []
    for name, members in sorted(by_name.items()):
        if content_stems(name) & own or len({m.document for m in members}) < need:
            continue
        keywords = account_keywords(name, [m.text for m in members])
        out.append(_theme(f"the {name} account", keywords, members, n_documents))
    return out


def _theme(
    theme: str, keywords: list[str], members: list[Motive], n_documents: int
) -> dict[str, Any]:
    docs = sorted({m.document for m in members})
    first: dict[str, Motive] = {}  # evidence from as many documents as possible
    for m in members:
        first.setdefault(m.document, m)
    return {
        "type": "unstated_value",
        "theme": theme,
        "keywords": keywords,
        "documents": docs,
        "score": round(min(1.0, len(docs) / max(4.0, 0.25 * n_documents)), 3),
        "summary": f"{len(docs)} documents justify decisions or praise by “{theme}” "
        f"({', '.join(keywords[:4])}), which no stated value covers.",
        "evidence": [
            {"document": m.document, "text": m.text, "start": m.start, "end": m.end}
            for m in list(first.values())[:5]
        ],
    }


def _cluster(vecs: np.ndarray) -> np.ndarray:
    """Average-linkage clusters cut at CLUSTER_DISTANCE (cosine).

    SciPy rather than scikit-learn: the same clustering, and a fifth of the import time, which
    every batch audit pays once.
    """
    from scipy.cluster.hierarchy import fcluster, linkage

    if len(vecs) < 2:
        return np.zeros(len(vecs), dtype=np.int64)
    tree = linkage(np.asarray(vecs, dtype=np.float64), method="average", metric="cosine")
    return np.asarray(fcluster(tree, t=CLUSTER_DISTANCE, criterion="distance"))


def _terms(text: str) -> list[str]:
    return [
        w
        for w in words(text)
        if w not in STOPWORDS and w not in _GENERIC and len(w) > 2 and not w.isdigit()
    ]


def _framework_stems(index: FrameworkIndex) -> set[str]:
    fw = index.framework
    texts = [v.name for v in fw.values] + [v.definition for v in fw.values]
    texts += [t.text for t in fw.tenets]
    return set().union(*(content_stems(t) for t in texts)) if texts else set()


def _proper_nouns(texts: list[str]) -> set[str]:
    """Words only ever written capitalised: people's and customers' names are not values."""
    capitalised = {w.lower() for t in texts for w in re.findall(r"\b[A-Z][a-z]+\b", t)}
    lower = {w for t in texts for w in re.findall(r"\b[a-z]+\b", t)}
    return capitalised - lower


def _keywords(
    members: list[Motive], doc_freq: Counter[str], n: int, exclude: set[str], names: set[str]
) -> list[str]:
    """Terms that several of the theme's documents share and that are rare across all motives,
    excluding framework words. A word one document repeats names no theme."""
    by_doc: dict[str, set[str]] = defaultdict(set)
    for m in members:
        by_doc[m.document].update(w for w in _terms(m.text) if w not in names)
    tf = Counter(w for ws in by_doc.values() for w in ws)
    scored = {
        w: c * math.log(1 + n / doc_freq[w])
        for w, c in tf.items()
        if c >= 2 and content_stems(w).isdisjoint(exclude)
    }
    return [w for w, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))]
