"""The working object of one card's field extraction.

``parse_page`` runs a short list of named steps over one ``CardWork``: each step
reads what earlier steps left and fills its own slots.  Chunks (the text left
once contact details and the address are taken) are addressed by their index in
``chunks``; a step that takes a chunk for a field adds its index to ``claimed``,
so later pickers skip it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cardscan.model import Field, Page

from .address import AddressHit
from .emails import EmailHit
from .layout import Column
from .person import NameCandidate
from .phones import PhoneHit
from .text import Chunk, Roles, TextLine
from .websites import WebHit


@dataclass
class CardWork:
    page: Page
    region_hint: str | None
    ocr: bool = False
    lines: tuple[TextLine, ...] = ()
    emails: list[EmailHit] = field(default_factory=list)
    webs: list[WebHit] = field(default_factory=list)
    phone_hits: list[PhoneHit] = field(default_factory=list)
    region: str = ""
    org_domains: list[str] = field(default_factory=list)
    local_parts: list[str] = field(default_factory=list)
    rest: list[TextLine] = field(default_factory=list)
    col: Column | None = None
    address: AddressHit | None = None
    chunks: list[Chunk] = field(default_factory=list)
    hand: dict[int, str] = field(default_factory=dict)  # chunk id -> hand pickers' role
    roles: Roles | None = None
    claimed: set[int] = field(default_factory=set)
    name: Field | None = None
    name_cand: NameCandidate | None = None  # what the name was read from (chunk ids, text)
    native: str | None = None
    given: str | None = None
    family: str | None = None
    title: Field | None = None
    department: Field | None = None
    company: Field | None = None

    def free(self) -> list[int]:
        """Chunk ids no field has claimed, in reading order."""
        return [i for i in range(len(self.chunks)) if i not in self.claimed]
