"""PURE: read HSDS 3.0 files (ours or anyone's) into plain directory records, with every problem located.

Accepted shapes, per file: a JSON array of objects, one object, or an API page `{"contents": [...]}`; a zip
of such files. The kind comes from the file name (`organization*.json`, `service_at_location*.json`,
`service*.json`, `location*.json`), else from the object's shape. A record is one top-level object with
everything nested in it: it is checked against the schema and the directory's own limits, and either taken
whole or reported whole (JSON path + reason) — never half.
"""
import io
import json
import math
import zipfile
import zlib

from taskforce.directory.exchange import hsds
from taskforce.directory.exchange.hsds_records import Batch, Problem, Reader

MB = 1024 * 1024
MAX_FILE_BYTES = 20 * MB  # per file; the upload limit (60 MB) is for the request as a whole
MAX_FILES_IN_ZIP = 20
MAX_BATCH_BYTES = 60 * MB  # all files of one import together, unpacked
MAX_FILES_IN_BATCH = 50  # JSON files of one import, zips' members included
UNREADABLE_ZIP = (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, ValueError, OSError)
SKIPPED_STEMS = ("base", "tabular", "taxonomy", "metadata")
SHAPE_REASON = ("holds a value of a shape the directory cannot read (a null or a number where a name, list or "
                "object belongs); check it against HSDS 3.0")


class FileRejected(Exception):
    """A whole file cannot be read (too large, damaged, not UTF-8, not JSON — NaN and Infinity included) or the
    batch is too large; `reason` says so in plain words."""

    def __init__(self, file: str, reason: str):
        super().__init__(f"{file}: {reason}")
        self.file, self.reason = file, reason


def expand_files(files: list[tuple[str, bytes]], max_bytes: int = MAX_FILE_BYTES,
                 max_batch_bytes: int = MAX_BATCH_BYTES) -> list[tuple[str, bytes]]:
    """Unpack zips and check sizes BEFORE inflating anything: each file (or zip member) at most `max_bytes`, the
    whole batch at most `max_batch_bytes` unpacked and MAX_FILES_IN_BATCH JSON files — however many zips."""
    result, total = [], 0

    def take(name: str, size: int) -> None:
        nonlocal total
        total += size
        if total > max_batch_bytes:
            raise FileRejected(name, f"brings the import to {total / MB:.1f} MB unpacked; the limit is "
                               f"{max_batch_bytes / MB:.0f} MB per import. Import the files in several parts.")
        if len(result) >= MAX_FILES_IN_BATCH:
            raise FileRejected(name, f"is one file too many: at most {MAX_FILES_IN_BATCH} JSON files are read per "
                               "import. Import the files in several parts.")

    for name, content in files:
        if len(content) > max_bytes:
            raise FileRejected(name, f"is {len(content) / MB:.1f} MB; the limit is {max_bytes / MB:.0f} MB per file.")
        if name.lower().endswith(".zip") or content[:4] == b"PK\x03\x04":
            try:
                archive = zipfile.ZipFile(io.BytesIO(content))
                members = [m for m in archive.infolist() if m.filename.lower().endswith(".json") and not m.is_dir()]
            except UNREADABLE_ZIP:
                raise FileRejected(name, "is not a readable zip file.") from None
            if len(members) > MAX_FILES_IN_ZIP:
                raise FileRejected(name, f"holds {len(members)} JSON files; at most {MAX_FILES_IN_ZIP} are read.")
            for member in members:
                if member.file_size > max_bytes:
                    raise FileRejected(f"{name}/{member.filename}", f"is {member.file_size / MB:.1f} MB unpacked; "
                                       f"the limit is {max_bytes / MB:.0f} MB per file.")
                take(f"{name}/{member.filename}", member.file_size)
                try:  # the declared size bounds what is inflated; a lie or a bad checksum ends here
                    data = archive.read(member)
                except UNREADABLE_ZIP:
                    raise FileRejected(f"{name}/{member.filename}", "cannot be unpacked (damaged, encrypted or "
                                       "compressed in a way this directory does not read).") from None
                result.append((member.filename.rsplit("/", 1)[-1], data))
        else:
            take(name, len(content))
            result.append((name, content))
    return result


class _NotJsonNumber(ValueError):
    pass


def _refuse_constant(name: str):
    raise _NotJsonNumber(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotJsonNumber(f"{text[:20]} is too large a number")
    return value


def parse_json(name: str, content: bytes):
    """Decode UTF-8 (a BOM is tolerated) and parse JSON, or say exactly where it breaks."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRejected(name, f"is not UTF-8 text (byte {error.start}). Save it as UTF-8 and try again.") from None
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except json.JSONDecodeError as error:
        raise FileRejected(name, f"is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.") from None
    except _NotJsonNumber as error:
        raise FileRejected(name, f"is not valid JSON: {error}.") from None
    except ValueError:  # an integer of thousands of digits
        raise FileRejected(name, "is not valid JSON: it holds a number too long to read.") from None
    except RecursionError:
        raise FileRejected(name, "is nested too deeply to be HSDS.") from None


def kind_from_name(name: str) -> str | None:
    stem = name.rsplit("/", 1)[-1].lower().removesuffix(".json")
    for kind in ("service_at_location", "organization", "service", "location"):
        if stem.startswith(kind):
            return kind
    if stem.startswith(SKIPPED_STEMS):
        return "skip"
    return None


def kind_from_shape(obj: dict) -> str | None:
    if "location_type" in obj:
        return "location"
    if "status" in obj:
        return "service"
    if ("service" in obj or "location" in obj or "service_id" in obj) and "name" not in obj:
        return "service_at_location"
    if "name" in obj and "description" in obj:
        return "organization"
    return None


def top_level_objects(data) -> list[tuple[str, object]]:
    """(JSON path, object) for each record of a file: an array, a single object or a `contents` page."""
    if isinstance(data, list):
        return [(f"$[{i}]", item) for i, item in enumerate(data)]
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return [(f"$.contents[{i}]", item) for i, item in enumerate(data["contents"])]
    return [("$", data)]


def read_batch(files: list[tuple[str, bytes]], max_bytes: int = MAX_FILE_BYTES) -> Batch:
    """Read every file into one Batch. Raises FileRejected when a file as a whole is unusable."""
    batch = Batch()
    for name, content in expand_files(files, max_bytes):
        name_kind = kind_from_name(name)
        if name_kind == "skip":
            batch.notes.append(f"{name}: not a directory record file (taxonomy/metadata/tabular); skipped.")
            continue
        data = parse_json(name, content)
        for path, obj in top_level_objects(data):
            batch.records_seen += 1
            if not isinstance(obj, dict):
                batch.problems.append(Problem(name, path, "each record must be a JSON object"))
                continue
            kind = name_kind or kind_from_shape(obj)
            if kind is None:
                batch.problems.append(Problem(name, path, "cannot tell whether this is an organization, service, "
                                              "location or service_at_location (name the file after its kind)"))
                continue
            read_record(batch, name, path, kind, obj)
    return batch


def read_record(batch: Batch, file: str, path: str, kind: str, obj: dict) -> None:
    """Check one top-level object and, when all is well, merge what it says into the batch."""
    problems = [Problem(file, path + p[1:], reason) for p, reason in hsds.schema_errors(kind, obj)]
    staged = Batch()
    if not problems:
        reader = Reader(file, path, staged)
        try:
            {"organization": reader.organization, "service": reader.service, "location": reader.location,
             "service_at_location": reader.service_at_location}[kind](obj, "$")
            problems = reader.problems
        except (TypeError, AttributeError, KeyError, IndexError, ValueError):
            # The official schema is looser than the directory's reader (nulls and odd types in nested lists):
            # such a record is refused whole, with a reason, like any other (found by tests/test_properties.py).
            problems = [Problem(file, path, SHAPE_REASON)]
    if problems:
        batch.problems.extend(problems)
        return
    for attr in ("organizations", "locations", "services"):
        target = getattr(batch, attr)
        for record_id, record in getattr(staged, attr).items():
            target.setdefault(record_id, {}).update(record)
    batch.notes.extend(staged.notes)
