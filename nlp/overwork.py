"""After-hours work: the say-do gap every values audit looks for first.

"Sustainable pace" is stated; the promotion write-up praises the all-nighter. Embeddings place
"she joined calls from her hotel at midnight" far from "answering Slack on vacation" (~0.35), so
this module finds the behaviour with a lexicon instead: an after-hours cue (weekends, nights,
holidays, leave, 2am, N hours straight) together with someone working, or a cue that is itself
work ("pulled an all-nighter", "stayed up", "at any hour").

A sentence that refuses the behaviour ("we moved the date rather than ask for weekend work",
"no pages on vacation") upholds the value instead. Which value and tenet are about working hours
is read off the framework's own words, so nothing here names a particular organization's value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from nlp.records import Framework, Stance
from nlp.text import words

_AFTER_HOURS = re.compile(
    # "the Sunday paper", "the weekend newsletter", "the night phone" are things, not hours worked
    r"\b(?:(?:weekends?|saturdays?|sundays?|nights?)(?! (?:paper|edition|section|print|issue|"
    r"newsletter|magazine|supplement|guide|things|events?|service|schedule|timetable|hours|rates?|"
    r"market|phone|line|desk|editor|skiing|bus|routes?)\b)|thanksgiving|christmas|"
    r"new year'?s?(?: eve| day)?|"
    r"holidays?|holiday (?:break|week)|vacation|pto|(?:parental|sick|annual) leave|on leave|"
    r"days? off|(?:her|his|their|my) trip|overnight|midnight|late (?:at night|nights?|"
    r"evenings?)|evenings?|(?:[1-5]|1[12])(?::\d\d)?\s?(?:am|a\.m\.)|(?:9|10|11)(?::\d\d)?\s?"
    r"(?:pm|p\.m\.)|(?:\d+|twenty|thirty|forty)[- ]hours?(?: straight| shifts?| days?)?"
    # "a reminder 48 hours ahead", "within 2 hours of notice": a lead time, not time worked
    r"(?! (?:ahead|before|after|in advance|notice|later|earlier|prior|beforehand|of notice))|"
    r"extended hours|long hours|after hours|off hours)\b",
    re.IGNORECASE,
)
# Cues that describe overwork on their own, with no separate work verb needed.
_STRONG = re.compile(
    r"\b(?:all[- ]nighters?|around the clock|at any hour|any time of (?:the )?(?:day|night)|"
    r"stay(?:ed|s|ing)? (?:up|awake|online|late)|(?:through|throughout) the (?:night|weekend|"
    r"holidays?)|(?:hours?|days?|nights?) straight|crunch(?:ed|ing)?|always (?:reachable|on|online|"
    r"available)|still (?:online|up|awake)|on call for \w+ (?:days|weeks) straight|"
    r"heroics?|heroic (?:effort|push)|above and beyond|extra mile|burn(?:ed|t)? out|sleep(?:ing)? "
    r"(?:at|in) the office|no days? off|without (?:a )?(?:break|sleep|rest))\b",
    re.IGNORECASE,
)
_WORKING = re.compile(
    r"\b(?:work(?:ed|ing|s)?|stay(?:ed|ing)?|pull(?:ed|ing)?|spen[dt]|spending|join(?:ed|ing|s)?|"
    r"answer(?:ed|ing|s)?|took (?:calls|the calls|redlines)|calls?|paged|pages|debug\w*|fix(?:ed|ing)?|"
    r"wrote|writing|buil[dt]|building|coded|coding|ship(?:ped|ping)?|online|checks?|checked|"
    r"jump(?:ed|s)? (?:in|on)|cover(?:ed|ing)?|held|handl(?:ed|ing)|reconcil\w*|rebuil[dt]\w*|"
    r"deliver(?:ed|ing)?|finish(?:ed|ing)?|launch(?:ed|ing)?|migrat\w*|deploy\w*|stretch\w*|"
    r"reachable|available|replies|repl(?:y|ied)|respond\w*|laptop|slack|email(?:s|ed)?)\b",
    re.IGNORECASE,
)
_REFUSAL = re.compile(
    r"\b(?:not|no|never|nobody|no one|without (?:asking|anyone|anybody|any|us|people|the team)|instead of|rather than|refus\w*|declin\w*|"
    r"push(?:ed|es|ing)? back|avoid\w*|won't|wouldn't|didn't|don't|doesn't|shouldn't|"
    r"cut (?:the )?scope|mov(?:e|ed|ing) the (?:date|launch|deadline)|hand(?:ed|s)? (?:it )?(?:off|over)|"
    r"protect\w*|so that (?:nobody|no one)|route[sd]? to the rotation)\b",
    re.IGNORECASE,
)
# Words by which a framework value or tenet says it is about working hours. Only the first set
# says so on its own: "hours", "weekend" and "night" also describe when a service is open, and
# "leave", "hour" and "rest" are too common in other senses to count at all ("Leave margin").
_PACE_STRONG = frozenset(
    """pace overtime burnout burn heroics heroic crunch sustainable humane balance wellbeing
    well-being recharge exhaustion exhausted tired marathon rested fatigue""".split()  # noqa: SIM905
)
_PACE_WORDS = _PACE_STRONG | frozenset(
    "hours weekend weekends night nights overnight vacation holiday holidays evenings evening".split()  # noqa: SIM905
)
# "before the weekend", "until the holidays": a point in time, not time spent working.
_WHEN_ONLY = re.compile(r"\b(?:before|after|until|by|ahead of) the $", re.IGNORECASE)
# "wouldn't hand it off": refusing the rest, not the overwork.
_REFUSED_REST = re.compile(
    r"\b(?:wouldn't|would not|didn't|did not|refused to|never) (?:hand|take a break|rest|sleep|"
    r"stop|log off|switch off)|"
    # "relentless, never willing to let a story go"
    r"\b(?:never|not|wouldn't|won't) (?:willing to |one to )?let (?:it|a story|the story|anything) go\b|"
    # "he doesn't call in relief, he just keeps going"
    r"\b(?:doesn't|does not|didn't|did not|won't|wouldn't|never) (?:call in|ask for|take|use) "
    r"(?:relief|help|cover|a break|breaks|time off|(?:his|her|their) (?:leave|vacation|days off))",
    re.IGNORECASE,
)
# "so we wouldn't miss the date": the negation protects the date, it refuses nothing.
_PROTECTS_DATE = re.compile(
    r"\b(?:(?:wouldn't|would not|won't|didn't|did not|not|never)|(?:rather than|instead of)"
    r"(?: [\w']+){0,5}) (?:miss|slip|lose|blow|delay|push|moving|rolling)\w*\b|"
    # "rather than take rooms off sale": refusing the tenet's remedy protects the cover
    r"\b(?:rather than|instead of) (?:take|taking|clos\w+|cancel\w*|turn\w* away|shut\w*)\b",
    re.I,
)
# A negation in a purpose or reason clause protects something; it refuses no overwork: "so the
# relief operator wouldn't be alone", "because he didn't want the pump out of service".
_PURPOSE = re.compile(
    r"\b(?:so(?: that)? (?:the|a|an|his|her|their|our|we|he|she|they|it)|"
    r"because (?:he|she|they|we|i|it)|in order)\b[^.;]*",
    re.IGNORECASE,
)
# Options and conditionals ("we could ask the team to work weekends") are not behaviour.
_HYPOTHETICAL = re.compile(r"\b(?:would|could|might|if)\b", re.IGNORECASE)
_REDIRECT = re.compile(
    r"\b(?:cut (?:the )?scope|mov(?:e|es|ed|ing) (?:the (?:date|launch|deadline)|by)|"
    r"slip(?:s|ped)? (?:the|by)|push(?:es|ed)? (?:the date|back))",
    re.IGNORECASE,
)
# A deadline nearby makes the after-hours work a date-versus-pace trade-off (the tenet's case);
# so does a gap in cover, the other pressure that buys hours ("covered both vacancies himself").
_DEADLINE = re.compile(
    r"\b(?:deadline|dates?|launch\w*|releases?|on time|on schedule|in time|due|go-live|cutover|"
    r"ship(?:ped|s)? on|behind|slip\w*|make the|hit the|meet the|"
    r"cover(?:ed|ing)? (?:for|the gaps?|gaps|shifts?|both|every)|short[- ]?staffed|understaffed|"
    r"vacanc(?:y|ies)|uncovered|(?:extra|double|back-to-back) shifts?|"
    r"pick(?:ed|s)? up (?:the |a |extra )?shifts?|call(?:s|ed)? in sick|off sale)\b",
    re.IGNORECASE,
)
MIN_PACE_WORDS = 3  # pace words (unambiguous ones count twice) before a value is "about hours"


@dataclass(frozen=True)
class HoursSignal:
    """One sentence about after-hours work and what it says of the pace value."""

    sentence: int
    stance: Stance
    strength: float
    deadline: bool  # a deadline is mentioned in this or a neighbouring sentence


def hours_stance(text: str) -> tuple[Stance, float] | None:
    """("violates"|"upholds", strength) for a sentence about after-hours work, else None."""
    strong = _STRONG.search(text)
    cue = any(not _WHEN_ONLY.search(text[: m.start()]) for m in _AFTER_HOURS.finditer(text))
    if not strong and not (cue and _WORKING.search(text)):
        return None
    if _REFUSED_REST.search(text):
        return "violates", 0.75
    if _REDIRECT.search(text):
        return "upholds", 0.8  # the date or the scope gave way, not the people
    if _REFUSAL.search(_PROTECTS_DATE.sub(" ", _PURPOSE.sub(" ", text))):
        return "upholds", 0.6
    if _HYPOTHETICAL.search(text):
        return None
    return "violates", 0.75 if strong else 0.68


def hours_signals(sentences: list[str]) -> list[HoursSignal]:
    out = []
    for i, text in enumerate(sentences):
        found = hours_stance(text)
        if found is not None:
            near = " ".join(sentences[max(0, i - 1) : i + 2])
            out.append(HoursSignal(i, found[0], found[1], bool(_DEADLINE.search(near))))
    return out


class HoursVerdict(NamedTuple):
    stance: Stance
    strength: float
    sentences: tuple[int, ...]  # the sentences on the winning side: the evidence


def hours_verdict(signals: list[HoursSignal]) -> HoursVerdict | None:
    """The document's stance on the pace value: the heavier side of its after-hours sentences."""
    if not signals:
        return None
    up = sum(s.strength for s in signals if s.stance == "upholds")
    down = sum(s.strength for s in signals if s.stance == "violates")
    stance: Stance = "violates" if down >= up else "upholds"
    side = [s for s in signals if s.stance == stance]
    best = max(s.strength for s in side)
    strength = min(1.0, best + 0.05 * (len(signals) - 1))
    return HoursVerdict(stance, strength, tuple(s.sentence for s in side))


def pace_value(framework: Framework) -> str | None:
    """The stated value about working hours, if the framework has one."""
    best, best_n = None, 0
    for v in framework.values:
        # the id and the why count too: "sustainable-pace" / "lost good people to burnout"
        text = " ".join(
            [
                v.id.replace("-", " "),
                v.name,
                v.definition,
                v.why or "",
                *v.examples,
                *v.anti_patterns,
            ]
        )
        found = _PACE_WORDS & set(words(text))
        n = len(found) + len(found & _PACE_STRONG) + 2 * len(_PACE_WORDS & set(words(v.name)))
        if found & _PACE_STRONG and n > best_n:
            best, best_n = v.id, n
    return best if best_n >= MIN_PACE_WORDS else None


def pace_tenet(framework: Framework, value_id: str | None) -> str | None:
    """The tenet that settles deadlines against the pace value (linked to it, or naming it)."""
    for t in framework.tenets:
        linked = value_id is not None and value_id in t.values
        named = len(_PACE_WORDS & set(words(f"{t.text} {t.prefer or ''}"))) >= 2
        if linked or named:
            return t.id
    return None
