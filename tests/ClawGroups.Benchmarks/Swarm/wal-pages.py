#!/usr/bin/env python3
"""Which b-trees the commits in a copy of the embedded database's write-ahead log wrote pages of.

    python3 wal-pages.py DIR     # DIR holds copies of clawgroups.db and clawgroups.db-wal (wal-pages.sh makes them)

Reads the log's frames from its start to the first one of an earlier generation (a log restarted by a checkpoint keeps
older frames behind the new ones), counts the commits among them, and names each frame's page by the table or index it
belongs to now (SQLite's dbstat, on a scratch copy with its log applied; the copies in DIR are left as they are). Prints frames, commits, pages a commit, and each
b-tree's share. Needs Python's sqlite3 module with dbstat (Debian's has it).
"""
import collections
import os
import sqlite3
import shutil
import struct
import sys
import tempfile

folder = sys.argv[1]
log = open(os.path.join(folder, "clawgroups.db-wal"), "rb").read()
_, _, page_size, _, salt1, salt2, _, _ = struct.unpack(">IIIIIIII", log[:32])
frames, commits, at, size = [], 0, 32, 24 + page_size
while at + size <= len(log):
    page, commit_size, frame_salt1, frame_salt2 = struct.unpack(">IIII", log[at:at + 16])
    if (frame_salt1, frame_salt2) != (salt1, salt2):
        break
    frames.append(page)
    commits += commit_size != 0
    at += size

with tempfile.TemporaryDirectory() as scratch:
    for name in ("clawgroups.db", "clawgroups.db-wal"):
        shutil.copy(os.path.join(folder, name), scratch)
    # Opening the copy applies its log (and, on closing, folds it into the file): done on the scratch copy.
    connection = sqlite3.connect(os.path.join(scratch, "clawgroups.db"))
    owner = {page: name for name, page in connection.execute("SELECT name, pageno FROM dbstat")}
    connection.close()

counts = collections.Counter(owner.get(page, "?") for page in frames)
print(f"{len(frames)} frames, {commits} commits, {len(frames) / max(commits, 1):.1f} pages a commit, {len(set(frames))} distinct pages")
for name, count in counts.most_common():
    print(f"{count:8d} {100 * count / len(frames):5.1f} % {count / max(commits, 1):5.2f} a commit  {name}")
