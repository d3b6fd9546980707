"""The archive layer (placeholder until the archive lands on main).

>>> from erfurt.archive import new_salt, commit
>>> len(commit("example", new_salt(), b"value"))
64
"""

from erfurt.archive.secrets import (
    SALT_SIZE,
    KeyedHash,
    RegistrySecret,
    Salt,
    commit,
    keyed_hash,
    load_registry_secret,
    new_salt,
)

__all__ = [
    "SALT_SIZE",
    "KeyedHash",
    "RegistrySecret",
    "Salt",
    "commit",
    "keyed_hash",
    "load_registry_secret",
    "new_salt",
]
