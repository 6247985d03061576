"""The charter file format: read a YAML file and check every value, reporting each mistake by line.

Nothing here touches the database; `services.py` decides what to write once a file has no mistakes.
The format is described for people in docs/CHARTER_FORMAT.md.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

T = TypeVar("T")

_TAG = "tag:yaml.org,2002:"
NULL_TAG, STR_TAG, INT_TAG, BOOL_TAG = (f"{_TAG}{t}" for t in ("null", "str", "int", "bool"))
FLOAT_TAG, TIMESTAMP_TAG = f"{_TAG}float", f"{_TAG}timestamp"
# Tags a plain YAML value can carry. Anything else (e.g. !!python/object) is refused outright.
_PLAIN_TAGS = {NULL_TAG, STR_TAG, INT_TAG, BOOL_TAG, FLOAT_TAG, TIMESTAMP_TAG}

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
STANDARD_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
COMMITS_WORDS = ("council", "landlords")
MAX_COMMITMENTS = 500
# The database's largest positive integer, so that a huge number is a mistake, not a crash.
MAX_WHOLE_NUMBER = 2_147_483_647


@dataclass(frozen=True)
class CharterFileProblem:
    """One mistake in a file: where it is and, in plain English, what is wrong."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class CharterFileError(Exception):
    """A file could not be loaded. `errors` lists every mistake found, not just the first."""

    def __init__(self, errors: list[CharterFileProblem]) -> None:
        # In reading order, so a person can work down the file fixing each one.
        self.errors = sorted(errors, key=lambda problem: (problem.file, problem.line))
        super().__init__("\n".join(str(problem) for problem in self.errors))


@dataclass
class StandardItemSpec:
    code: str
    title: str
    description: str
    is_verified: bool
    line: int = field(compare=False)


@dataclass
class FrameworkSpec:
    code: str
    name: str
    publisher: str
    year: int | None
    url: str
    description: str
    note: str
    items: list[StandardItemSpec]
    line: int = field(compare=False)


@dataclass
class RatingOptionSpec:
    code: str
    label: str
    points: int
    meets_commitment: bool
    description: str


@dataclass
class CommitmentSpec:
    number: int
    title: str
    text: str
    commits_council: bool
    commits_landlords: bool
    not_applicable_allowed: bool
    standards: list[str]
    criteria: list[str]


@dataclass
class CharterSpec:
    """Everything a charter file says, checked, ready to be written."""

    name: str
    slug: str
    area: str
    approved_on: datetime.date | None
    version: int
    is_default_text: bool
    introduction: str
    source_note: str
    scale_name: str
    allows_not_applicable: bool
    options: list[RatingOptionSpec]
    commitments: list[CommitmentSpec]
    frameworks: list[FrameworkSpec]
    version_line: int

    def fingerprint(self) -> str:
        """A digest of the charter's content: equal for two files that say the same thing.

        Layout, comments and the order of standard codes do not count; the standards section
        does not either, because it describes the frameworks rather than this charter.
        """
        content = asdict(self)
        del content["frameworks"], content["version_line"]
        for commitment in content["commitments"]:
            commitment["standards"] = sorted(commitment["standards"])
        encoded = json.dumps(content, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a group of 'name: value' lines"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == NULL_TAG:
        return "empty"
    return f"'{_shorten(node.value)}'"


def _shorten(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class FileReader:
    """Reads one YAML file and collects every problem in it, each with its line."""

    def __init__(self, path: Path, label: str | None = None) -> None:
        self.path = path
        self.file = label if label is not None else str(path)
        self.problems: list[CharterFileProblem] = []
        self._constructor = yaml.constructor.SafeConstructor()

    def problem(self, where: Node | int, reason: str) -> None:
        line = where if isinstance(where, int) else _line(where)
        self.problems.append(CharterFileProblem(self.file, line, reason))

    # Reading the file ---------------------------------------------------------------------

    def compose(self) -> Node | None:
        """The file's YAML as a tree of nodes that remember their lines, or None on a problem."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self.problem(1, "there is no such file")
            return None
        except OSError as error:
            self.problem(1, f"the file could not be read ({error.strerror or error})")
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            self.problem(line, "the file is not plain text saved as UTF-8")
            return None
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark is not None else 1
            what = error.problem or error.context or "the YAML could not be read"
            if error.problem and error.context and error.context_mark is not None:
                # e.g. an unclosed bracket is noticed at the end: say where the list began.
                what += f" ({error.context} that starts on line {error.context_mark.line + 1})"
            self.problem(line, f"this is not valid YAML: {what}")
            return None
        except yaml.YAMLError as error:
            position = getattr(error, "position", 0) or 0
            line = text[:position].count("\n") + 1
            self.problem(line, "the file contains a character that is not allowed in YAML")
            return None
        except RecursionError:
            self.problem(1, "the file nests lists or groups too deeply to read")
            return None
        if root is None:
            self.problem(1, "the file is empty")
        return root

    # Shapes ---------------------------------------------------------------------------------

    def mapping(
        self, node: Node, what: str, *, required: Iterable[str], optional: Iterable[str] = ()
    ) -> dict[str, Node] | None:
        """The values of a 'name: value' group by name; unknown, doubled or missing names reported.

        A name given with no value counts as missing when it is required, and as absent otherwise.
        """
        if not isinstance(node, MappingNode):
            self.problem(
                node, f"{what} should be a group of 'name: value' lines, not {_describe(node)}"
            )
            return None
        required, optional = list(required), list(optional)
        allowed = required + optional
        found: dict[str, Node] = {}
        empty: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str) or key not in allowed:
                shown = _shorten(key) if isinstance(key, str) else _describe(key_node)
                self.problem(
                    key_node,
                    f"'{shown}' is not something {what} can have; "
                    f"it can have: {', '.join(allowed)}",
                )
            elif key in found or key in empty:
                self.problem(key_node, f"'{key}' is given twice in {what}")
            elif _is_null(value_node):
                empty[key] = key_node
            else:
                found[key] = value_node
        for key in required:
            if key in empty:
                self.problem(empty[key], f"'{key}' in {what} is empty")
            elif key not in found:
                self.problem(node, f"{what} is missing '{key}'")
        return found

    def sequence(self, node: Node, what: str, *, example: str = "") -> list[Node] | None:
        if not isinstance(node, SequenceNode):
            hint = f", for example {example}" if example else ""
            self.problem(node, f"{what} should be a list{hint}, not {_describe(node)}")
            return None
        return list(node.value)

    # Values -------------------------------------------------------------------------------

    def _scalar(self, node: Node, what: str, kind: str) -> ScalarNode | None:
        if not isinstance(node, ScalarNode):
            self.problem(node, f"{what} should be {kind}, not {_describe(node)}")
            return None
        if node.tag not in _PLAIN_TAGS:
            self.problem(node, f"{what} uses the YAML tag '{node.tag}', which is not allowed here")
            return None
        return node

    def _construct(self, node: ScalarNode) -> object:
        try:
            return self._constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError, TypeError):
            return None

    def text(
        self,
        node: Node | None,
        what: str,
        *,
        max_length: int | None = None,
        required: bool = True,
        pattern: re.Pattern[str] | None = None,
        pattern_hint: str = "",
    ) -> str:
        """Text as written. Numbers and dates are kept as typed: '1.10' stays '1.10'."""
        if node is None:
            return ""
        scalar = self._scalar(node, what, "text")
        if scalar is None:
            return ""
        value = scalar.value.strip() if scalar.tag != NULL_TAG else ""
        if not value:
            if required:
                self.problem(node, f"{what} is empty")
            return ""
        if any(unicodedata.category(char) == "Cc" and char not in "\n\t" for char in value):
            self.problem(node, f"{what} contains a control character that cannot be stored")
            return ""
        if max_length is not None and len(value) > max_length:
            self.problem(
                node, f"{what} is {len(value)} characters long; it can be at most {max_length}"
            )
            return ""
        if pattern is not None and not pattern.match(value):
            self.problem(node, f"{what} '{_shorten(value)}' {pattern_hint}")
            return ""
        return value

    def whole_number(
        self, node: Node | None, what: str, *, minimum: int, maximum: int = MAX_WHOLE_NUMBER
    ) -> int | None:
        if node is None:
            return None
        scalar = self._scalar(node, what, "a whole number")
        if scalar is None:
            return None
        value = self._construct(scalar) if scalar.tag == INT_TAG else None
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(node, f"{what} should be a whole number, not {_describe(node)}")
            return None
        if not minimum <= value <= maximum:
            self.problem(node, f"{what} should be between {minimum} and {maximum}, not {value}")
            return None
        return value

    def yes_no(self, node: Node | None, what: str, *, default: bool = False) -> bool:
        if node is None:
            return default
        scalar = self._scalar(node, what, "true or false")
        if scalar is None:
            return default
        value = self._construct(scalar) if scalar.tag == BOOL_TAG else None
        if not isinstance(value, bool):
            self.problem(node, f"{what} should be true or false, not {_describe(node)}")
            return default
        return value

    def date(self, node: Node | None, what: str) -> datetime.date | None:
        if node is None:
            return None
        scalar = self._scalar(node, what, "a date")
        if scalar is None:
            return None
        if scalar.tag != TIMESTAMP_TAG:
            self.problem(
                node, f"{what} should be a date written as YYYY-MM-DD, not {_describe(node)}"
            )
            return None
        value = self._construct(scalar)
        if value is None:
            self.problem(node, f"{what} '{scalar.value}' is not a real date")
            return None
        if isinstance(value, datetime.datetime):
            self.problem(node, f"{what} should be a date only, without a time")
            return None
        return value if isinstance(value, datetime.date) else None

    def url(self, node: Node | None, what: str) -> str:
        value = self.text(node, what, max_length=500, required=False)
        if value and node is not None:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                self.problem(node, f"{what} should be a web address starting https://")
                return ""
        return value

    def each(self, nodes: list[Node] | None, read: Callable[[Node, int], T | None]) -> list[T]:
        """Read every entry of a list with `read(node, position)`, keeping those that made sense."""
        results = []
        for position, node in enumerate(nodes or [], start=1):
            result = read(node, position)
            if result is not None:
                results.append(result)
        return results


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL_TAG


# Standards ----------------------------------------------------------------------------------


def read_frameworks(reader: FileReader, node: Node) -> list[FrameworkSpec]:
    """The frameworks in a `standards:` list, with duplicated codes reported."""
    frameworks = reader.each(
        reader.sequence(node, "'standards'", example="a list of frameworks, each with items"),
        lambda item, position: _read_framework(reader, item, position),
    )
    seen_frameworks: dict[str, int] = {}
    seen_items: dict[str, int] = {}
    for framework in frameworks:
        if framework.code in seen_frameworks:
            reader.problem(
                framework.line,
                f"framework code '{framework.code}' is already used on line "
                f"{seen_frameworks[framework.code]}",
            )
        seen_frameworks.setdefault(framework.code, framework.line)
        for item in framework.items:
            if item.code in seen_items:
                reader.problem(
                    item.line,
                    f"standard code '{item.code}' is already used on line {seen_items[item.code]}",
                )
            seen_items.setdefault(item.code, item.line)
    return frameworks


def _read_framework(reader: FileReader, node: Node, position: int) -> FrameworkSpec | None:
    what = f"framework {position}"
    values = reader.mapping(
        node,
        what,
        required=("code", "name", "publisher", "items"),
        optional=("year", "url", "description", "note"),
    )
    if values is None:
        return None
    code = reader.text(
        values.get("code"),
        f"the code of {what}",
        max_length=40,
        pattern=SLUG_PATTERN,
        pattern_hint="should use only lower-case letters, numbers and hyphens",
    )
    items = []
    if "items" in values:
        items = reader.each(
            reader.sequence(values["items"], f"the items of {what}"),
            lambda item, item_position: _read_standard_item(
                reader, item, f"item {item_position} of {what}"
            ),
        )
        if not items and isinstance(values["items"], SequenceNode):
            reader.problem(values["items"], f"{what} has no items")
    return FrameworkSpec(
        code=code,
        name=reader.text(values.get("name"), f"the name of {what}", max_length=200),
        publisher=reader.text(values.get("publisher"), f"the publisher of {what}", max_length=200),
        year=reader.whole_number(
            values.get("year"), f"the year of {what}", minimum=1900, maximum=2100
        ),
        url=reader.url(values.get("url"), f"the web address of {what}"),
        description=reader.text(
            values.get("description"), f"the description of {what}", required=False
        ),
        note=reader.text(values.get("note"), f"the note on {what}", required=False),
        items=items,
        line=_line(node),
    )


def _read_standard_item(reader: FileReader, node: Node, what: str) -> StandardItemSpec | None:
    values = reader.mapping(
        node, what, required=("code", "title"), optional=("description", "verified")
    )
    if values is None:
        return None
    return StandardItemSpec(
        code=reader.text(
            values.get("code"),
            f"the code of {what}",
            max_length=40,
            pattern=STANDARD_CODE_PATTERN,
            pattern_hint="should be letters and numbers, with hyphens or dots but no spaces",
        ),
        title=reader.text(values.get("title"), f"the title of {what}", max_length=200),
        description=reader.text(
            values.get("description"), f"the description of {what}", required=False
        ),
        is_verified=reader.yes_no(values.get("verified"), f"'verified' in {what}", default=True),
        line=_line(values["code"]) if "code" in values else _line(node),
    )


def read_standards_file(reader: FileReader) -> list[FrameworkSpec]:
    """The frameworks in a standards file (a top-level `standards:` list)."""
    root = reader.compose()
    if root is None:
        return []
    values = reader.mapping(root, "the standards file", required=("standards",))
    if not values or "standards" not in values:
        return []
    return read_frameworks(reader, values["standards"])


# Charters -----------------------------------------------------------------------------------


CHARTER_KEYS = ("name", "slug", "area", "version", "default_text")
CHARTER_OPTIONAL_KEYS = ("approved_on", "introduction", "source_note")


def read_charter_file(
    reader: FileReader, *, known_standard_codes: Callable[[list[FrameworkSpec]], set[str]]
) -> CharterSpec | None:
    """A charter file, checked. Returns None if anything is wrong; the reader holds the problems.

    `known_standard_codes` is asked, given the file's own frameworks, which standard codes a
    commitment may name, so that this module needs no database.
    """
    root = reader.compose()
    if root is None:
        return None
    top = reader.mapping(
        root,
        "the charter file",
        required=("charter", "rating_scale", "commitments"),
        optional=("standards",),
    )
    if top is None:
        return None
    frameworks = read_frameworks(reader, top["standards"]) if "standards" in top else []
    known_codes = known_standard_codes(frameworks)

    charter_values = (
        reader.mapping(
            top["charter"], "'charter'", required=CHARTER_KEYS, optional=CHARTER_OPTIONAL_KEYS
        )
        if "charter" in top
        else None
    ) or {}
    scale = _read_rating_scale(reader, top["rating_scale"]) if "rating_scale" in top else None
    commitments = (
        _read_commitments(reader, top["commitments"], known_codes) if "commitments" in top else []
    )
    if scale is not None:
        for commitment, node in commitments:
            if commitment.not_applicable_allowed and not scale.allows_not_applicable:
                reader.problem(
                    node,
                    f"commitment {commitment.number} allows 'not applicable', "
                    "but the rating scale does not (set 'allows_not_applicable: true')",
                )
    spec = CharterSpec(
        name=reader.text(charter_values.get("name"), "the charter's name", max_length=200),
        slug=reader.text(
            charter_values.get("slug"),
            "the charter's slug",
            max_length=80,
            pattern=SLUG_PATTERN,
            pattern_hint="should use only lower-case letters, numbers and hyphens",
        ),
        area=reader.text(charter_values.get("area"), "the charter's area", max_length=100),
        approved_on=reader.date(charter_values.get("approved_on"), "'approved_on'"),
        version=reader.whole_number(
            charter_values.get("version"), "the charter's version", minimum=1
        )
        or 1,
        is_default_text=reader.yes_no(charter_values.get("default_text"), "'default_text'"),
        introduction=reader.text(
            charter_values.get("introduction"), "the introduction", required=False
        ),
        source_note=reader.text(
            charter_values.get("source_note"), "the source note", required=False
        ),
        scale_name=scale.name if scale else "",
        allows_not_applicable=scale.allows_not_applicable if scale else False,
        options=scale.options if scale else [],
        commitments=[commitment for commitment, _node in commitments],
        frameworks=frameworks,
        version_line=_line(charter_values["version"]) if "version" in charter_values else 1,
    )
    return None if reader.problems else spec


@dataclass
class _ScaleSpec:
    name: str
    allows_not_applicable: bool
    options: list[RatingOptionSpec]


def _read_rating_scale(reader: FileReader, node: Node) -> _ScaleSpec | None:
    values = reader.mapping(
        node, "'rating_scale'", required=("name", "options"), optional=("allows_not_applicable",)
    )
    if values is None:
        return None
    options: list[RatingOptionSpec] = []
    if "options" in values:
        option_nodes = reader.sequence(values["options"], "the rating scale's options")
        seen: dict[str, int] = {}
        for position, option_node in enumerate(option_nodes or [], start=1):
            option = _read_rating_option(reader, option_node, position)
            if option is None:
                continue
            if option.code and option.code in seen:
                reader.problem(
                    option_node,
                    f"rating option code '{option.code}' is already used "
                    f"on line {seen[option.code]}",
                )
            seen.setdefault(option.code, _line(option_node))
            options.append(option)
        if option_nodes is not None and not option_nodes:
            reader.problem(values["options"], "the rating scale has no options")
        elif options and not any(option.meets_commitment for option in options):
            reader.problem(
                values["options"],
                "no rating option counts as meeting the commitment "
                "(give at least one 'meets_commitment: true')",
            )
    return _ScaleSpec(
        name=reader.text(values.get("name"), "the rating scale's name", max_length=200),
        allows_not_applicable=reader.yes_no(
            values.get("allows_not_applicable"), "'allows_not_applicable' in the rating scale"
        ),
        options=options,
    )


def _read_rating_option(reader: FileReader, node: Node, position: int) -> RatingOptionSpec | None:
    what = f"rating option {position}"
    values = reader.mapping(
        node,
        what,
        required=("code", "label", "points"),
        optional=("meets_commitment", "description"),
    )
    if values is None:
        return None
    return RatingOptionSpec(
        code=reader.text(
            values.get("code"),
            f"the code of {what}",
            max_length=40,
            pattern=SLUG_PATTERN,
            pattern_hint="should use only lower-case letters, numbers, hyphens and underscores",
        ),
        label=reader.text(values.get("label"), f"the label of {what}", max_length=100),
        points=reader.whole_number(
            values.get("points"), f"the points of {what}", minimum=-1000, maximum=1000
        )
        or 0,
        meets_commitment=reader.yes_no(
            values.get("meets_commitment"), f"'meets_commitment' in {what}"
        ),
        description=reader.text(
            values.get("description"), f"the description of {what}", required=False
        ),
    )


def _read_commitments(
    reader: FileReader, node: Node, known_codes: set[str]
) -> list[tuple[CommitmentSpec, Node]]:
    nodes = reader.sequence(node, "'commitments'", example="'- number: 1' entries")
    if nodes is None:
        return []
    if not nodes:
        reader.problem(node, "the charter has no commitments")
        return []
    if len(nodes) > MAX_COMMITMENTS:
        reader.problem(node, f"a charter can have at most {MAX_COMMITMENTS} commitments")
        return []
    commitments: list[tuple[CommitmentSpec, Node]] = []
    first_line: dict[int, int] = {}
    for position, commitment_node in enumerate(nodes, start=1):
        read = _read_commitment(reader, commitment_node, position, known_codes)
        if read is None:
            continue
        commitment, number_node = read
        commitments.append((commitment, commitment_node))
        if number_node is None:
            continue
        if commitment.number in first_line:
            reader.problem(
                number_node,
                f"commitment number {commitment.number} is already used on line "
                f"{first_line[commitment.number]}",
            )
        elif commitment.number > len(nodes):
            reader.problem(
                number_node,
                f"commitment number {commitment.number} is higher than the number of "
                f"commitments ({len(nodes)}); number them 1 to {len(nodes)}",
            )
        first_line.setdefault(commitment.number, _line(number_node))
    if len(commitments) == len(nodes) and all(c.number for c, _node in commitments):
        missing = sorted(set(range(1, len(nodes) + 1)) - set(first_line))
        if missing:
            reader.problem(
                node,
                f"commitments should be numbered 1 to {len(nodes)} with none left out; "
                f"missing: {', '.join(str(n) for n in missing)}",
            )
    return commitments


def _read_commitment(
    reader: FileReader, node: Node, position: int, known_codes: set[str]
) -> tuple[CommitmentSpec, Node | None] | None:
    values = reader.mapping(
        node,
        f"commitment {position} in the list",
        required=("number", "title", "text", "commits"),
        optional=("not_applicable_allowed", "standards", "criteria"),
    )
    if values is None:
        return None
    number = reader.whole_number(
        values.get("number"), f"the number of commitment {position} in the list", minimum=1
    )
    what = f"commitment {number if number is not None else position}"
    commits = _read_commits(reader, values.get("commits"), what)
    standards = _read_standard_codes(reader, values.get("standards"), what, known_codes)
    criteria: list[str] = []
    if "criteria" in values:
        criteria = reader.each(
            reader.sequence(values["criteria"], f"the criteria of {what}"),
            lambda criterion, n: reader.text(criterion, f"criterion {n} of {what}") or None,
        )
    commitment = CommitmentSpec(
        number=number or 0,
        title=reader.text(values.get("title"), f"the title of {what}", max_length=200),
        text=reader.text(values.get("text"), f"the text of {what}"),
        commits_council="council" in commits,
        commits_landlords="landlords" in commits,
        not_applicable_allowed=reader.yes_no(
            values.get("not_applicable_allowed"), f"'not_applicable_allowed' in {what}"
        ),
        standards=standards,
        criteria=criteria,
    )
    return commitment, (values["number"] if number is not None else None)


def _read_commits(reader: FileReader, node: Node | None, what: str) -> set[str]:
    if node is None:
        return set()
    entries = reader.sequence(node, f"'commits' in {what}", example="[council, landlords]")
    if entries is None:
        return set()
    commits: set[str] = set()
    for entry in entries:
        word = reader.text(entry, f"who commits in {what}")
        if word and word not in COMMITS_WORDS:
            reader.problem(
                entry, f"'{_shorten(word)}' in {what} should be 'council' or 'landlords'"
            )
        elif word in commits:
            reader.problem(entry, f"'{word}' is listed twice in {what}")
        elif word:
            commits.add(word)
    if not entries:
        reader.problem(node, f"{what} should say who commits: council, landlords or both")
    return commits


def _read_standard_codes(
    reader: FileReader, node: Node | None, what: str, known_codes: set[str]
) -> list[str]:
    if node is None:
        return []
    entries = reader.sequence(node, f"'standards' in {what}", example="[TIA-3, TWT-4]")
    codes: list[str] = []
    for entry in entries or []:
        code = reader.text(entry, f"a standard code in {what}", max_length=40)
        if not code:
            continue
        if code in codes:
            reader.problem(entry, f"standard '{code}' is listed twice in {what}")
        elif code not in known_codes:
            reader.problem(
                entry,
                f"there is no standard with the code '{_shorten(code)}' (used in {what}); "
                "see `residentvoice charter standards` for the codes",
            )
        else:
            codes.append(code)
    return codes
