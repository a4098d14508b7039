"""The rnnkit file as a container: a zip of JSON and ``.npy`` members, checked.

Nothing here knows what an estimator is. Members are read as data, within
limits checked against both what the archive declares and what is read, and
arrays are floats read without pickle.
"""

import io
import json
import re
import zipfile

import numpy as np

# Sane limits, checked against what the archive declares and what is read.
MAX_FILE_BYTES = 2**31
MAX_MEMBERS = 16
MAX_MANIFEST_BYTES = 2**22
MAX_ARRAY_BYTES = 2**30
MAX_DEPTH = 32  # nesting of parameters
ARRAY_MEMBER = re.compile(r"^arrays/([a-z][a-z0-9_]*)\.npy$")


class InvalidModelFileError(ValueError):
    """Raised by :func:`load` for a file it refuses; nothing in it was run.

    The file is damaged, was not written by :func:`save`, comes from a newer
    rnnkit, needs a plugin cell that is not installed, or holds something
    rnnkit does not build (code, unknown classes, odd member names or sizes).
    The message says which.
    """


def write_archive(path, members):
    """Write ``{name: bytes}`` as a zip with fixed dates (same input, same file)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    with open(path, "wb") as file:
        file.write(buffer.getvalue())


def json_bytes(value):
    return json.dumps(value, indent=1).encode()


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def check_members(archive):
    """Refuse too many members, duplicates, unsafe names, encryption, odd codecs."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InvalidModelFileError(
            f"it has {len(infos)} members, over the {MAX_MEMBERS} limit"
        )
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise InvalidModelFileError("a member name appears twice")
    for info in infos:
        name, parts = info.filename, info.filename.split("/")
        if (
            name.startswith("/")
            or any(c in name for c in "\\:\x00")
            or any(part in ("", ".", "..") for part in parts)
        ):
            raise InvalidModelFileError(
                f"member name {name!r} is not a plain relative path (absolute "
                "paths, '..', drive letters and backslashes are refused)"
            )
        if info.flag_bits & 0x1 or info.compress_type not in (0, zipfile.ZIP_DEFLATED):
            raise InvalidModelFileError(
                f"member {name!r} is encrypted or oddly compressed"
            )
    return names


def read_member(archive, name, limit):
    """Read a member, trusting neither its declared nor its actual size."""
    too_large = InvalidModelFileError(
        f"member {name!r} is larger than the {limit}-byte limit"
    )
    if archive.getinfo(name).file_size > limit:
        raise too_large
    with archive.open(name) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise too_large
    return data


def read_json(archive, name, limit=MAX_MANIFEST_BYTES):
    data = read_member(archive, name, limit)
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=_unique_keys)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise InvalidModelFileError(
            f"member {name!r} is not valid JSON ({error})"
        ) from error


def _unique_keys(pairs):
    if len({key for key, _ in pairs}) != len(pairs):
        raise ValueError("a key appears twice in one object")
    return dict(pairs)


def read_arrays(archive, names):
    """Read every ``arrays/<name>.npy`` member; refuse any other member name."""
    arrays = {}
    for member in names:
        match = ARRAY_MEMBER.match(member)
        if match is None:
            raise InvalidModelFileError(f"it has the unexpected member {member!r}")
        arrays[match[1]] = read_array(archive, member)
    return arrays


def read_array(archive, member):
    """Read a ``.npy`` member of floats, never pickle, its size checked first."""
    data = read_member(archive, member, MAX_ARRAY_BYTES)
    buffer = io.BytesIO(data)
    try:
        if np.lib.format.read_magic(buffer) == (1, 0):
            header = np.lib.format.read_array_header_1_0(buffer)
        else:
            header = np.lib.format.read_array_header_2_0(buffer)
    except ValueError as error:
        raise InvalidModelFileError(
            f"member {member!r} is not a .npy array ({error})"
        ) from error
    shape, _, dtype = header
    if dtype.hasobject or dtype.kind != "f" or dtype.fields is not None:
        raise InvalidModelFileError(
            f"member {member!r} must hold floats. Got {dtype} instead"
        )
    if len(data) - buffer.tell() != int(np.prod(shape)) * dtype.itemsize:
        raise InvalidModelFileError(
            f"member {member!r} does not hold an array of shape {shape}"
        )
    buffer.seek(0)
    return np.lib.format.read_array(buffer, allow_pickle=False)


def short(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
