"""
The README's examples give what they show, on a registry loaded from the sample list as `bin/run` loads it
offline (importers/sources/samples/un-sc-sample.xml, through the real import service).

How the examples are found, in README.md from top to bottom:

- **Commands**: every line of a ```bash block is run, in order, from the root of the repository:
  ``bin/manage ARGS`` (through call_command), ``NAME=$(bin/manage ARGS | tail -1)`` (sets $NAME to the last
  line it printed) and ``curl [-X METHOD] [-H HEADER]… [-d BODY | --data-binary @FILE] URL`` (through the test
  client; $NAME is expanded; the URL's host is ignored). A command that cannot run here (a server, a download,
  production) is listed in NOT_RUN below with the reason, or its whole section in NOT_RUN_SECTIONS. A command in
  `inline code` of the prose (``bin/…``, ``python …``, ``curl …``) is never run and must be listed there.
- **Markers**, HTML comments that the rendered README does not show, each about the code that follows it
  (a ```json block or an `inline` span):
    ``<!-- readme-test: answer -->``: the answer of the command or request just above (the last one run);
    ``<!-- readme-test: answer 400 of GET /api/v1/… -->``: makes that request first; the status defaults
      to 200;
    ``<!-- readme-test: body of POST /api/v1/… -->``: the JSON body of that request, which is sent.
  Requests a marker makes carry the token of a client with every scope. A ```json block without a marker
  fails the test: mark it, or move it out of a code block.

How an answer is compared (only what is stable): an object in the README shows some of the answer's keys,
each of which must match, except ``id`` and ``run`` (ids differ from one registry to the next); a list
shows all the answer's items in order, or its first ones when it ends with ``…``; a number with a decimal
point matches within SCORE_TOLERANCE; ``…`` alone (also ``{…}`` and ``[…]``) matches anything, and ``…``
inside a string matches any text there ("…/api/v1/entities/…/"); everything else must be equal.
"""

import json
import re
import shlex
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from apiclients.services import api_client_create
from importers.choices import ImportTrigger
from importers.services import import_source
from screening.names import analyse

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SAMPLE = ROOT / "importers" / "sources" / "samples" / "un-sc-sample.xml"
SCORE_TOLERANCE = 0.01
VOLATILE_KEYS = {"id", "run"}
ELLIPSIS = "…"

SERVER = "starts the registry's server and serves until stopped; this test loads the sample list as it does offline"
DOWNLOAD = "downloads the official UN list: tests run offline (tests/importers/test_fetch.py downloads from 127.0.0.1)"
NOT_RUN = {  # a command as written (its comment left out; * matches any text): why the test does not run it
    "bin/run*": SERVER,
    "PORT=* bin/run*": SERVER,
    "bin/test*": "runs this test suite",
    "SCREENSHOTS=1 bin/test*": "runs the browser tests to redraw docs/screenshots/",
    "bin/manage import_source un-sc": DOWNLOAD,
    "bin/manage import_source un-sc --url *": DOWNLOAD,
    "bin/manage import_source ofac-sdn --file *": "OFAC's files are not shipped with the project "
                                                  "(tests/importers/test_ofac_sdn.py imports the real ones)",
    "bin/manage COMMAND": "a synopsis",
    "bin/manage help": "Django's own list of commands (not one call_command can run)",
    "bin/manage build_name_index [--workers N]": "a synopsis; the import has built the index (tests/screening)",
}
NOT_RUN_SECTIONS = {  # a `## ` section of the README: why none of its commands is run
    "Running it for real": "production set-up: an activated venv, PostgreSQL, a broker, gunicorn and Celery",
}
PICTURES = ("text",)  # fence languages of diagrams: nothing in them runs
COMMAND_WORDS = re.compile(r"(\w+=\S+ )*(bin/|python|curl )")


@dataclass
class Example:
    line: int  # in README.md
    kind: str  # "command", "answer" or "body"
    text: str  # the command (comment left out), or the code as written
    request: str = ""  # "METHOD /path" a marker names
    status: int = 200  # the status an answer shows
    not_run: str = ""  # why a command is not run


TOKENS = re.compile(
    r"<!--\s*readme-test:(?P<marker>.*?)-->"
    r"|^```(?P<language>\w*)\n(?P<block>.*?)^```[ \t]*$"
    r"|^## (?P<section>[^\n]+)$"
    r"|`(?P<inline>[^`\n]+)`",
    re.M | re.S,
)
MARKER = re.compile(r"(?P<what>answer|body)(?: (?P<status>\d{3}))?(?: of (?P<request>[A-Z]+ /\S*))?")


def examples(text: str) -> list[Example]:
    """Every example of ``text`` (README.md), in order; raises AssertionError on one the test cannot handle."""
    found, marker, section = [], None, ""
    for token in TOKENS.finditer(text):
        line = text.count("\n", 0, token.start()) + 1
        if token["section"]:
            section = token["section"].strip()
        elif token["marker"] is not None:
            assert marker is None, f"README.md:{marker[0]}: a readme-test marker with no code after it"
            parsed = MARKER.fullmatch(token["marker"].strip())
            assert parsed, f"README.md:{line}: unknown readme-test marker {token['marker'].strip()!r}"
            assert parsed["what"] == "answer" or (parsed["request"] and not parsed["status"]), (
                f"README.md:{line}: a body marker names its request and no status: 'body of POST /path'"
            )
            marker = (line, parsed)
        elif marker is not None:
            code = token["block"] if token["language"] is not None else token["inline"]
            assert token["language"] in (None, "json"), f"README.md:{line}: a readme-test marker before ```bash"
            _, parsed = marker
            found.append(Example(line, parsed["what"], code, request=parsed["request"] or "",
                                 status=int(parsed["status"] or 200)))
            marker = None
        elif token["language"] == "json":
            raise AssertionError(f"README.md:{line}: a ```json example without a readme-test marker (see {__name__})")
        elif token["language"] == "bash":
            found += bash_commands(token["block"], line + 1, section)
        elif token["language"] in PICTURES:
            continue
        elif token["language"] is not None:
            raise AssertionError(f"README.md:{line}: ```{token['language']} blocks are not known to {__name__}")
        elif COMMAND_WORDS.match(token["inline"]) and " " in token["inline"]:
            command = Example(line, "command", token["inline"], not_run=why_not_run(token["inline"], section))
            assert command.not_run, f"README.md:{line}: list the inline command {command.text!r} in NOT_RUN"
            found.append(command)
    assert marker is None, f"README.md:{marker[0]}: a readme-test marker with no code after it"
    return found


def bash_commands(block: str, first_line: int, section: str) -> list[Example]:
    """The commands of a ```bash block: comments left out, continued lines (ending in \\) joined."""
    commands, pending, start = [], "", first_line
    for number, raw in enumerate(block.splitlines(), first_line):
        text = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not pending:
            start = number
        if text.endswith("\\"):
            pending += text[:-1] + " "
            continue
        command = " ".join((pending + text).split())
        pending = ""
        if command:
            commands.append(Example(start, "command", command, not_run=why_not_run(command, section)))
    return commands


def why_not_run(command: str, section: str) -> str:
    if section in NOT_RUN_SECTIONS:
        return NOT_RUN_SECTIONS[section]
    return next((reason for pattern, reason in NOT_RUN.items() if listed(command, pattern)), "")


def listed(command: str, pattern: str) -> bool:
    return re.fullmatch(".*".join(map(re.escape, pattern.split("*"))), command) is not None


def shown_json(code: str, where: str):
    """The JSON an example shows, with its … abridgements made into "…" values (``{…}``, ``[…]``, ``…``)."""

    def abridgement(match):
        if match["string"]:
            return match["string"]
        return "" if match["member"] else f'"{ELLIPSIS}"'

    text = re.sub(
        r'(?P<string>"(?:[^"\\]|\\.)*")|(?P<member>,\s*…\s*(?=\}))|\{\s*…\s*\}|\[\s*…\s*\]|…', abridgement, code
    )
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise AssertionError(f"{where}: the example is not JSON ({error})") from None


def mismatches(shown, actual, path: str) -> list[str]:
    """Where ``actual`` does not give what ``shown`` shows (see the module's docstring), one line each."""
    if shown == ELLIPSIS:
        return []
    if isinstance(shown, dict):
        if not isinstance(actual, dict):
            return [f"{path}: shows an object, the answer has {actual!r}"]
        problems = [f"{path}.{key}: shown, but not in the answer" for key in shown if key not in actual]
        for key in shown:
            if key in actual and key not in VOLATILE_KEYS:
                problems += mismatches(shown[key], actual[key], f"{path}.{key}")
        return problems
    if isinstance(shown, list):
        more = bool(shown) and shown[-1] == ELLIPSIS
        items = shown[:-1] if more else shown
        if not isinstance(actual, list) or len(actual) < len(items) or (not more and len(actual) != len(items)):
            return [f"{path}: shows {len(items)}{' or more' if more else ''} items, the answer has {actual!r}"]
        return [problem for i, item in enumerate(items) for problem in mismatches(item, actual[i], f"{path}[{i}]")]
    if isinstance(shown, str) and ELLIPSIS in shown:
        pattern = ".*".join(map(re.escape, shown.split(ELLIPSIS)))
        same = isinstance(actual, str) and re.fullmatch(pattern, actual, re.S) is not None
    elif isinstance(shown, float):
        same = type(actual) in (int, float) and abs(shown - actual) <= SCORE_TOLERANCE
    else:
        same = type(shown) is type(actual) and shown == actual
    return [] if same else [f"{path}: shows {shown!r}, the answer has {actual!r}"]


@dataclass
class Answer:
    where: str  # the README line of the command or request
    status: int | None  # None for a command
    text: str


class Session:
    """Runs the README's commands and requests in order, keeping their shell variables and the last answer."""

    def __init__(self, token: str):
        self.variables: dict[str, str] = {}
        self.last: Answer | None = None
        self.api = APIClient()
        self.api.raise_request_exception = False
        self.token = token

    def command(self, example: Example):
        where = f"README.md:{example.line}: {example.text}"
        self.last = None
        if example.not_run:
            return
        if assignment := re.fullmatch(r"(\w+)=\$\((bin/manage .*?) \| tail -1\)", example.text):
            name, command = assignment.groups()
            self.manage(command, where)
            self.variables[name] = self.last.text.strip().splitlines()[-1]
        elif example.text.startswith("bin/manage "):
            self.manage(example.text, where)
        elif example.text.startswith("curl "):
            self.curl(example.text, where)
        else:
            raise AssertionError(f"{where}: {__name__} cannot run this; list it in NOT_RUN with the reason")

    def manage(self, command: str, where: str):
        _, name, *arguments = shlex.split(command)
        out = StringIO()
        try:
            call_command(name, *arguments, stdout=out, stderr=StringIO())
        except (CommandError, SystemExit) as error:
            raise AssertionError(f"{where}: failed: {error!r}\n{out.getvalue()}") from error
        self.last = Answer(where, None, out.getvalue())

    def curl(self, command: str, where: str):
        words = [re.sub(r"\$\{?(\w+)\}?", lambda m: self.variables[m[1]], word) for word in shlex.split(command)]
        method, headers, body, url = "GET", {}, None, None
        words = iter(words[1:])
        for word in words:
            if word in ("-X", "--request"):
                method = next(words)
            elif word in ("-H", "--header"):
                name, _, value = next(words).partition(":")
                headers[name.strip()] = value.strip()
            elif word in ("-d", "--data"):
                body, method = next(words), "POST" if method == "GET" else method
            elif word == "--data-binary":  # @FILE, relative to the root of the repository
                name = next(words)
                assert name.startswith("@"), f"{where}: --data-binary takes @FILE here"
                body, method = (ROOT / name[1:]).read_text(encoding="utf-8"), "POST" if method == "GET" else method
            elif word.startswith("-"):
                raise AssertionError(f"{where}: {__name__} does not know curl's {word}; teach it or use NOT_RUN")
            else:
                url = word
        assert url, f"{where}: no URL"
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        content_type = headers.pop("Content-Type", "application/x-www-form-urlencoded")
        self.request(method, path, body or "", where, content_type=content_type, headers=headers)

    def request(self, method: str, path: str, body: str, where: str, *, content_type="application/json",
                headers=None):
        headers = headers if headers is not None else {"Authorization": f"Bearer {self.token}"}
        response = self.api.generic(method, path, body, content_type=content_type, headers=headers)
        self.last = Answer(where, response.status_code, response.content.decode())

    def check(self, example: Example):
        where = f"README.md:{example.line}"
        if example.request:
            method, path = example.request.split(" ", 1)
            self.request(method, path, "", f"{where}: {example.request}")
        assert self.last is not None, f"{where}: an answer, but the command or request above it is not run"
        answer, self.last = self.last, None
        if answer.status is not None:
            assert answer.status == example.status, f"{answer.where}: status {answer.status}: {answer.text[:500]}"
        try:
            actual = json.loads(answer.text)
        except json.JSONDecodeError:
            raise AssertionError(f"{answer.where}: answered no JSON, but {where} shows some:\n{answer.text}") from None
        problems = mismatches(shown_json(example.text, where), actual, "answer")
        assert not problems, f"{where}: the README shows what {answer.where} no longer answers:\n  " + "\n  ".join(
            problems
        )


@pytest.fixture
def sample_registry(committed_db, django_capture_on_commit_callbacks, monkeypatch, settings, tmp_path):
    """
    The registry as bin/run leaves it offline: the sample list imported (the name index built, as after any
    import) and the logins made (the demo partner's among them). Committed, as a server's requests are, so that
    what runs once a request's writes commit (screening a partner's submissions) has run when it answers.
    """
    monkeypatch.chdir(ROOT)  # the README's commands run from the root of the repository
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("bootstrap_admin", stdout=StringIO())
    cache.clear()
    analyse("Warm Up", "person")  # rigour's name tagger loads once per process, outside any timing
    with django_capture_on_commit_callbacks(execute=True):
        run = import_source(slug="un-sc", trigger=ImportTrigger.COMMAND, file=SAMPLE)
    assert run.created == 8, run.error
    _, token = api_client_create(name="readme-test", kind="service", scopes=["read", "match"])
    yield token
    cache.clear()


def test_every_example_is_checked_or_says_why_not():
    """Needs no database: a new example needs a marker, or a line in NOT_RUN with the reason."""
    found = examples(README.read_text(encoding="utf-8"))
    assert {"command", "body", "answer"} <= {example.kind for example in found}
    commands = [example.text for example in found if example.kind == "command"]
    for pattern in NOT_RUN:
        assert any(listed(command, pattern) for command in commands), (
            f"NOT_RUN lists {pattern!r}, which is no longer in README.md: remove it"
        )


def test_the_readme_examples_give_what_they_show(sample_registry):
    session = Session(sample_registry)
    ran = 0
    for example in examples(README.read_text(encoding="utf-8")):
        if example.kind == "command":
            session.command(example)
            ran += not example.not_run
        elif example.kind == "body":
            method, path = example.request.split(" ", 1)
            session.request(method, path, json.dumps(shown_json(example.text, f"README.md:{example.line}")),
                            f"README.md:{example.line}: {example.request}")
        else:
            session.check(example)
    assert ran >= 5, "the README's runnable commands were not found"


@pytest.mark.parametrize(
    ("shown", "actual", "gives"),
    [
        ('{"a": 1, "b": "…"}', {"a": 1, "b": "x", "c": 3}, True),
        ('{"a": 1}', {"a": 2}, False),
        ('{"a": 1}', {"b": 1}, False),
        ('{"id": 5, "run": 12}', {"id": 6, "run": 13}, True),
        ('{"url": "…/api/v1/entities/…/"}', {"url": "http://testserver/api/v1/entities/1/"}, True),
        ('{"url": "…/api/v1/entities/…/"}', {"url": "http://testserver/api/v1/changes/"}, False),
        ('[1, 2, …]', [1, 2, 3], True),
        ('[1, 2]', [1, 2, 3], False),
        ('[2, …]', [1, 2], False),
        ('{"score": 0.98}', {"score": 0.9811}, True),
        ('{"score": 0.98}', {"score": 0.96}, False),
        ('{"match": true}', {"match": 1}, False),
        ('{"query": {…}, "n": 1, …}', {"query": {"name": "x"}, "n": 1, "m": 2}, True),
    ],
)
def test_how_an_answer_is_compared(shown, actual, gives):
    assert (mismatches(shown_json(shown, "test"), actual, "answer") == []) is gives
