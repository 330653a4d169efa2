"""Domain exceptions. The CLI turns each into one line `Error: ...` and exit 1."""


class PipelineError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""


class InvalidArgument(PipelineError, ValueError):
    """An argument of the Python API or the CLI that cannot be used (a ValueError too)."""


class ConfigError(PipelineError):
    """A config file is missing, malformed, or has unknown keys."""


class ModelNotFound(PipelineError):
    """The spaCy model named in config is not installed."""


class DatabaseLocked(PipelineError):
    """Another process holds the DuckDB file."""


class DatabaseMissing(PipelineError):
    """A read command was pointed at a database that does not exist."""


class DatabaseUnreadable(PipelineError):
    """--db names a file that is not a (whole) DuckDB database."""


class StorageError(PipelineError):
    """The disk refused a write: full, read-only or not permitted."""


class SchemaVersionError(PipelineError):
    """The database was written by a newer version of facts."""


class ReadOnlyViolation(PipelineError):
    """A statement tried to change a database opened read-only."""


class QueryError(PipelineError):
    """A SQL statement failed."""


class QueryTimeout(QueryError):
    """A user statement ran past its time limit and was stopped."""


class ExportError(PipelineError):
    """An export cannot be written (target exists, unknown table...)."""


class InputRejected(PipelineError):
    """One input (file or JSON line) cannot be used; the batch goes on without it.

    `code` is a short machine-readable reason stored in ingest_errors.error.
    """

    def __init__(self, code: str, message: str, path: str = "", line: int | None = None):
        super().__init__(message)
        self.code = code
        self.path = path
        self.line = line


class ExtractionFailed(PipelineError):
    """An input the code failed on: a bug in facts, not a problem with the input (the
    traceback is kept to report it)."""

    def __init__(self, message: str, traceback: str = "", code: str = "extract_failed", path: str = "",
                 line: int | None = None):
        super().__init__(message)
        self.traceback = traceback
        self.code = code
        self.path = path
        self.line = line
