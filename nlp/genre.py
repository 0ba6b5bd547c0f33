"""Refine an inferred document kind with the encoder when the metadata did not give one.

The cue rules in ``nlp.kinds`` know genre conventions (headings such as "Root cause"), which real
ADRs and incident reviews follow but narrative write-ups often do not. Here each kind also gets a
handful of prototype sentences; a document's opening sentences are compared with them and the
two scores are added. ``other`` carries a prior penalty: it is the fallback, not a genre.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from nlp.embed import Embedder

PROTOTYPES: Mapping[str, tuple[str, ...]] = {
    "memo": (
        "We decided to adopt this approach and rejected the alternatives.",
        "This memo proposes a decision and asks for approval.",
        "Options considered, the decision, and its consequences.",
        "We will roll this out in stages instead of all at once.",
        "Recommendation: we should build it ourselves rather than buy.",
        "Context: the problem we need to decide on.",
    ),
    "promotion": (
        "I recommend promoting her to senior engineer.",
        "He is ready for the next level; this packet summarises his impact.",
        "Performance review: strengths, growth areas and feedback from peers.",
        "She consistently operates at the staff level.",
        "Promotion write-up for an engineer on the team.",
        "Their impact this half and why they deserve the promotion.",
    ),
    "postmortem": (
        "Incident review: what happened, the timeline, root cause and action items.",
        "The outage began at 09:14 and customers saw errors until it was mitigated.",
        "Root cause: a bad configuration change was deployed.",
        "Action items to prevent this from happening again.",
        "We were paged and rolled back the deploy.",
        "Customer impact and detection of the incident.",
    ),
    "other": (
        "Agenda for the team offsite and logistics.",
        "Announcement: the office is moving next month.",
        "Meeting notes and updates.",
        "Welcome to the team: onboarding checklist.",
    ),
}
OPENING_SENTENCES = 20
TOP_K = 6  # the opening's sentences that best match a kind carry the vote
EMBED_WEIGHT = 10.0
CUE_WEIGHT = 0.3
CUE_CAP = 10.0
OTHER_PENALTY = 0.6


class KindClassifier:
    """Combines cue scores with prototype similarity; prototypes are embedded once."""

    def __init__(self, embedder: Embedder) -> None:
        self.kinds = list(PROTOTYPES)
        self.vecs = {k: embedder.encode(list(v)) for k, v in PROTOTYPES.items()}

    def classify(self, opening_vecs: np.ndarray, cue_scores: Mapping[str, float]) -> str:
        """The best kind for a document whose opening sentences are ``opening_vecs``."""
        if not len(opening_vecs):
            return (
                max(cue_scores, key=lambda k: cue_scores[k])
                if any(cue_scores.values())
                else "other"
            )
        vecs = opening_vecs[:OPENING_SENTENCES]
        total = {}
        for kind in self.kinds:
            best = np.sort((vecs @ self.vecs[kind].T).max(axis=1))[-TOP_K:]
            total[kind] = EMBED_WEIGHT * float(best.mean()) + CUE_WEIGHT * min(
                cue_scores.get(kind, 0.0), CUE_CAP
            )
        total["other"] -= OTHER_PENALTY
        return max(total, key=lambda k: total[k])
