"""The hand-set weights of the field pickers, in one place.

Line roles (name, title, company) are ranked by the learned model when it is
present (learned.py); these weights are the fallback ranking without a model and
the thresholds on either ranking.  The vocabulary-class scores each picker reads
(name_score, title_score, company_score ...) keep their own small weights beside
their rules, and are also features of the learned model.
"""

from __future__ import annotations

NAME_THRESHOLD = 0.3  # hand ranking: below this, no name
LOW_CONFIDENCE = 0.4  # a name or every contact below this: review
HEIGHT_WEIGHT = 0.8  # name score per unit of (text height / median height - 1)
HEIGHT_RANGE = (-0.3, 0.45)
NAME_DATA = 0.3  # name score per share of its words people are called (names.py)
NEAR_TITLE = 0.15  # a name candidate right over/under a title line
EARLY_LINE = 0.05  # the earlier of two equal name candidates
TITLE_THRESHOLD = 0.45
TITLE_NEXT_TO_NAME = 0.2
TITLE_ON_NAME_LINE = 0.1
# A title read only from where it is printed (right under the name, smaller): its
# confidence score, the most words it may have, and the most its text height may be
# against the name's.
UNDER_NAME_TITLE = 0.1
UNDER_NAME_WORDS = 6
UNDER_NAME_SMALLER = 0.9
TITLE_LINE_HEIGHT = 1.2  # the second line of a title: at most this much larger or smaller
TITLE_IS_DOMAIN = 0.25  # a title-like line the organisation's domain spells is the company
COMPANY_THRESHOLD = 0.3
COMPANY_LINE_HEIGHT = 1.05  # a company's next line: at most this much larger or smaller
DERIVED_COMPANY = 0.3
LOGO_OVER_NAME = 1.2  # a logo's text with no company marks: at least this much taller than the name
LOGO_COMPANY = 0.4  # confidence of a company read only from a logo's size  # confidence of a company read from the organisation's domain

# Learned ranking: the least probability a chunk needs to fill a role, and how much
# the hand candidate score breaks ties between readings of one chunk.
LEARNED_NAME = 0.25
LEARNED_TITLE = 0.3
LEARNED_COMPANY = 0.5  # more likely a company than anything else
NAME_SHAPE_FLOOR = -0.5  # a name candidate scoring below this is not shaped like a name
HAND_TIEBREAK = 0.1
# Added to the learned probability of the role the hand pickers chose for a chunk:
# chosen by leave-one-source-out (benchmarks/accuracy.py --loso), see docs/notes/fields.md.
HAND_PRIOR = 0.6
