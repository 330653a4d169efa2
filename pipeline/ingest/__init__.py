"""Files -> RawDocument: find inputs, read bytes, detect the encoding, hash.

Every problem with one input (a file, a JSON record, a file name) becomes an
IngestError naming the file (and the line, for JSON) and the batch goes on;
nothing read can hang or crash a run:

- only regular files are opened (a FIFO, socket or device named on the command
  line is rejected from its stat(), never opened) and no read is unbounded;
- the size limit `[ingest] max_bytes` belongs to one record: one .txt/.html
  file, one line of a .jsonl, one record of a .json; a .jsonl file of any size
  is streamed line by line (lines end at b"\\n" only, as JSON lines are defined),
  while a .json document is parsed whole and so has its own `max_json_bytes`;
- a file name that is not valid UTF-8 is read under its real name and shown
  (in `path`, `source_key`, messages) with the bad bytes as `\\xNN`
  (see shown_name).

Encoding detection is charset-normalizer's; we only short-cut the unambiguous
cases (BOMs, valid UTF-8) and mend the common mixed case (mostly UTF-8 with some
legacy lines).
"""

from .decode import article_id_for, decode
from .files import FORMATS, count_documents, discover, documents_from_bytes, read_documents, shown_name

__all__ = ["FORMATS", "article_id_for", "count_documents", "decode", "discover", "documents_from_bytes",
           "read_documents", "shown_name"]
