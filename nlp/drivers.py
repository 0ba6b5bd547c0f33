"""Known unstated drivers: motives that commonly steer decisions without being a stated value.

Clustering unexplained sentences finds themes nobody anticipated, but the most common unstated
value of all, the commercial number ("we are $310k short of the Q2 bookings number"), is spread
over many phrasings that embeddings scatter across clusters. It is found here by its lexicon and
reported only when the framework does not already state it as a value.

Chasing the public score (rankings, star ratings, reviews) is the third. Close behind it is
keeping the loyal base ("the locals are the people who renew every spring",
"churn among subscribers"): decisions justified by whether members, passholders or regulars
stay.

Two more are classics of their sectors: protecting the margin (the cost side of the number, in
anything priced by the job) and political optics (how a decision reads to the council, the
voters or the local paper, in anything publicly funded).

The other classic is one big customer steering the roadmap ("the Mercy renewal", "the Halvorsen
go-live") or one big retailer steering the product ("returns at Greenmart"). A key account is a
capitalised name, written mid-sentence next to account or channel words (renewal, contract,
pilot, go-live; shelf, sell-through, returns) in many documents, never in a sentence about a
person.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from nlp.records import Framework
from nlp.text import STOPWORDS, words


@dataclass(frozen=True)
class Driver:
    name: str
    pattern: re.Pattern[str]
    covered_by: frozenset[str]  # a stated value whose name has one of these words covers it


THE_NUMBER = Driver(
    "the commercial number",
    re.compile(
        r"\b(?:bookings|arr|mrr|revenue|quota|attainment|(?:quarter(?:'s)?|q[1-4]|year-end|h[12])"
        r" (?:numbers?|target|goal|plan|bookings|revenue)|the number|short of|toward (?:the|this|our)"
        r"|towards (?:the|this|our)|board (?:deck|meeting|pack)|(?:revenue|sales|bookings|quarter(?:ly)?|q[1-4]) forecast|forecast(?:ed)? (?:revenue|bookings|sales)|close the gap|upsell|"
        r"(?<!auto-)renewals?|contract (?:value|renewal|signature|deadline)|contracted|"
        # winning public or enterprise contracts: "how it will look to the evaluation panel"
        r"(?:the|our|this|a) (?:tender|bid)|evaluation panel|bidders?|"
        r"(?:expansion|enterprise|customer) (?:contracts?|revenue|deals?))\b",
        re.IGNORECASE,
    ),
    frozenset({"revenue", "bookings", "quota", "sales", "profit", "number", "numbers", "arr"}),
)
# Keeping the loyal base: members, subscribers, passholders, regulars, and whether they renew.
# Bare "retention" and "renews" are left out: data retention, a levy that renews.
THE_BASE = Driver(
    "keeping the base",
    re.compile(
        r"\b(?:passholders?|season[- ](?:pass|ticket) holders?|memberships?|subscribers?|"
        r"our (?:members|regulars|locals|loyal \w+)|the locals|regulars|loyal (?:customers|guests|"
        r"members|readers|fans|players)|(?:member|customer|subscriber|guest|player) retention|"
        r"churn(?:ed|ing)?|(?:who|they|to|will|won't|not) renew|re-?subscribe\w*)\b",
        re.IGNORECASE,
    ),
    frozenset({"loyalty", "retention", "members", "membership", "subscribers", "regulars"}),
)
# The public score: platform rankings, star ratings, review scores, NPS, league tables ("it will
# move our TripAdvisor ranking", "a Band 2 in the directories"). Bare "review" and "rating" are left out: a post-incident review, a
# pressure rating.
THE_RATINGS = Driver(
    "the public ratings",
    re.compile(
        r"\b(?:(?:tripadvisor|google|yelp|trustpilot|app store|play store|booking\.com|glassdoor)"
        r"\s+(?:rankings?|ratings?|scores?|reviews?|stars?)|(?:the|our|its|their) (?:rankings?|ratings)|"
        r"(?:star|guest|customer|user|online|public) (?:ratings?|reviews)|(?:five|5|one|1)[- ]star "
        r"(?:reviews?|ratings?)|(?:negative|positive|bad|good|new) reviews|review scores?|nps scores?|"
        r"net promoter|"
        # league tables and directory rankings ("ranked in Chambers in nine practice areas")
        r"rankings|league tables?|ranked (?:in|among|by|as|first|second|third|top|no\.?|number)|"
        r"(?:industry|legal|market|peer) directories)\b",
        re.IGNORECASE,
    ),
    frozenset({"reviews", "ratings", "rating", "reputation"}),
)
# Protecting the margin: the cost side of the number ("this would wipe out the fee and most of
# the margin", "overtime is the cheaper way to protect the margin"). A bare "fee" or "change
# order" is everyday contract vocabulary, so the margin itself must be named.
THE_MARGIN = Driver(
    "protecting the margin",
    re.compile(
        r"\b(?:(?:our|the|bid|gross|net|job|project|profit|operating) margins?(?! of)|margins? "
        r"(?:fade|erosion|hit|pressure)|mark-?ups?|back-?charges?|profitab\w+|(?:our|the) profit)\b",
        re.IGNORECASE,
    ),
    frozenset({"margin", "margins", "profit", "profitability", "financial", "frugal", "thrift"}),
)
# Political optics: how a decision will read to the people who fund or elect ("four of seven
# council seats are up in November", "not in the same news cycle as the levy"). A public body's
# classic unstated value (a levy is a tax the voters approve). "The board" is left out: every
# company has one.
THE_OPTICS = Driver(
    "political optics",
    re.compile(
        r"\b(?:optics|headlines?|front page|news cycle|council(?:lors?|ors?| members?| seats?| "
        r"candidates?)|(?:city|county|town|district) council|councillors?|councilors?|"
        r"commissioners?|mayor(?:'s)?|elected officials?|election(?: year)?|ballot|(?:tax )?levy|voters|"
        r"how (?:it|this|that) (?:will )?(?:looks?|reads?|plays?)(?: out)?)\b",
        re.IGNORECASE,
    ),
    frozenset({"optics", "politics", "political", "image", "perception", "reputation"}),
)
DRIVERS = (THE_NUMBER, THE_BASE, THE_RATINGS, THE_MARGIN, THE_OPTICS)
_NOT_KEYWORDS = frozenset({"short", "toward", "towards", "close", "gap", "our", "this"})

ACCOUNT = "account:"  # prefix of a key-account driver: "account:Mercy"
# Customer accounts, and the retail or reseller channel ("sell-through at Greenmart").
_ACCOUNT_WORDS = (
    r"(?:renewals?|contracts?|deals?|accounts?|pilots?|go-live|sign-?off|logo|expansion|"
    r"steering committee|executive sponsor|launch customer|"
    r"sell-through|shelf|shelves|placement|planogram|endcap|scorecard|vendor scorecard|buyers?|"
    r"returns|retailers?|resellers?|distributors?|stores?|channel partners?)"
)
_ACCOUNT_CUE = re.compile(rf"\b{_ACCOUNT_WORDS}\b", re.IGNORECASE)
# The name right before the account word ("the Mercy renewal", "Halvorsen's go-live") or right
# after it ("the contract with Mercy"); a capitalised word elsewhere is often a heading or a tool.
_NAMED_ACCOUNT = re.compile(
    rf"(?<=[a-z0-9,;:)] )([A-Z][a-z]{{2,}})(?:'s)?(?: [A-Z][a-z]+)? {_ACCOUNT_WORDS}\b|"
    rf"\b{_ACCOUNT_WORDS} (?:with|for|from|at|to) (?:the )?([A-Z][a-z]{{2,}})\b"
)
# A sentence about a person ("Devon brought the deal to deal desk himself") names no account.
_PERSONAL = re.compile(r"\b(?:he|she|him|her|his|hers|himself|herself)\b", re.IGNORECASE)
_NOT_NAMES = frozenset(
    """January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Slack Jira Zoom Google
    English Christmas Thanksgiving Easter Enterprise Customer Account""".split()  # noqa: SIM905
)


def account_names(sentence: str) -> list[str]:
    """Names a sentence mentions as a customer account ("the Mercy renewal")."""
    if _PERSONAL.search(sentence):
        return []
    names = dict.fromkeys(a or b for a, b in _NAMED_ACCOUNT.findall(sentence))
    return [n for n in names if n not in _NOT_NAMES]


def account_keywords(name: str, texts: list[str], limit: int = 6) -> list[str]:
    """The account's name and the account words written around it, most frequent first."""
    counts = Counter(m.group(0).lower() for t in texts for m in _ACCOUNT_CUE.finditer(t))
    return [name.lower()] + [w for w, _ in counts.most_common(limit - 1)]


def driver_of(sentence: str, gives_reason: bool) -> str | None:
    """The known driver a sentence invokes, if the sentence gives a reason for a decision or
    for praise (``gives_reason``: a motive cue, or any sentence of a promotion write-up)."""
    for driver in DRIVERS:
        if gives_reason and driver.pattern.search(sentence):
            return driver.name
    return None


def uncovered(framework: Framework) -> set[str]:
    """Names of the drivers that no stated value names."""
    names = {w for v in framework.values for w in words(v.name)}
    return {d.name for d in DRIVERS if not (d.covered_by & names)}


def driver_keywords(name: str, texts: list[str], limit: int = 6) -> list[str]:
    """The driver's own words as the documents use them, most frequent first."""
    driver = next(d for d in DRIVERS if d.name == name)
    counts = Counter(
        w
        for t in texts
        for m in driver.pattern.finditer(t)
        for w in words(m.group(0))
        if w not in STOPWORDS and w not in _NOT_KEYWORDS and len(w) > 1
    )
    return [w for w, _ in counts.most_common(limit)]
