"""PURE: read HSDS 3.0 files (ours or anyone's) into plain directory records, with every problem located.

Accepted shapes, per file: a JSON array of objects, one object, or an API page `{"contents": [...]}`; a zip
of such files. The kind comes from the file name (`organization*.json`, `service_at_location*.json`,
`service*.json`, `location*.json`), else from the object's shape. A record is one top-level object with
everything nested in it: it is checked against the schema and the directory's own limits, and either taken
whole or reported whole (JSON path + reason) — never half.
"""
import io
import json
import zipfile

from taskforce.directory import hsds
from taskforce.directory.hsds_records import Batch, Problem, Reader

MB = 1024 * 1024
MAX_FILE_BYTES = 20 * MB  # per file; the upload limit (60 MB) is for the request as a whole
MAX_FILES_IN_ZIP = 20
SKIPPED_STEMS = ("base", "tabular", "taxonomy", "metadata")


class FileRejected(Exception):
    """A whole file cannot be read (too large, not UTF-8, not JSON); `reason` says so in plain words."""

    def __init__(self, file: str, reason: str):
        super().__init__(f"{file}: {reason}")
        self.file, self.reason = file, reason


def expand_files(files: list[tuple[str, bytes]], max_bytes: int = MAX_FILE_BYTES) -> list[tuple[str, bytes]]:
    """Unpack zips (refusing oversize members before inflating them) and check each file's size."""
    result = []
    for name, content in files:
        if len(content) > max_bytes:
            raise FileRejected(name, f"is {len(content) / MB:.1f} MB; the limit is {max_bytes / MB:.0f} MB per file.")
        if name.lower().endswith(".zip") or content[:4] == b"PK\x03\x04":
            try:
                archive = zipfile.ZipFile(io.BytesIO(content))
                members = [m for m in archive.infolist() if m.filename.lower().endswith(".json") and not m.is_dir()]
            except zipfile.BadZipFile:
                raise FileRejected(name, "is not a readable zip file.") from None
            if len(members) > MAX_FILES_IN_ZIP:
                raise FileRejected(name, f"holds {len(members)} JSON files; at most {MAX_FILES_IN_ZIP} are read.")
            for member in members:
                if member.file_size > max_bytes:
                    raise FileRejected(f"{name}/{member.filename}", f"is {member.file_size / MB:.1f} MB unpacked; "
                                       f"the limit is {max_bytes / MB:.0f} MB per file.")
                result.append((member.filename.rsplit("/", 1)[-1], archive.read(member)))
        else:
            result.append((name, content))
    return result


def parse_json(name: str, content: bytes):
    """Decode UTF-8 (a BOM is tolerated) and parse JSON, or say exactly where it breaks."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRejected(name, f"is not UTF-8 text (byte {error.start}). Save it as UTF-8 and try again.") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FileRejected(name, f"is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.") from None
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
        {"organization": reader.organization, "service": reader.service, "location": reader.location,
         "service_at_location": reader.service_at_location}[kind](obj, "$")
        problems = reader.problems
    if problems:
        batch.problems.extend(problems)
        return
    for attr in ("organizations", "locations", "services"):
        target = getattr(batch, attr)
        for record_id, record in getattr(staged, attr).items():
            target.setdefault(record_id, {}).update(record)
    batch.notes.extend(staged.notes)
