"""``mllens doctor``: the full integrity check of the database, and a way out of a damaged one
(the logic is in ``mllens_tui.store.doctor``)."""

from __future__ import annotations

import argparse
import shlex

from mllens_tui.cli.base import EXIT_OK, EXIT_STORAGE, _out
from mllens_tui.formatting import plural, quantity


def cmd_doctor(args: argparse.Namespace) -> int:
    """`mllens doctor`: check the database fully; with --recover, copy what is readable."""
    from pathlib import Path

    from mllens_tui import paths
    from mllens_tui.store import doctor
    from mllens_tui.store.migrations import latest_version

    url = getattr(args, "db", None) or paths.default_db_url()
    report = doctor.examine(url)
    version = "unreadable" if report.schema_version is None else str(report.schema_version)
    _out(f"Database  {report.path}")
    _out(f"Mode      {doctor.describe_mode(report.mode)}, owner uid {report.owner}")
    _out(f"Size      {report.size:,} bytes")
    _out(f"Schema    version {version} (this mllens-tui writes version {latest_version()})")
    latest = report.latest_backup
    _out(f"Backup    {latest} ({doctor.modified(latest)})" if latest else "Backup    none")
    if report.healthy:
        _out("Check     ok (PRAGMA integrity_check)")
    else:
        _out(
            f"Check     DAMAGED ({quantity(len(report.findings), 'finding')} of PRAGMA "
            "integrity_check):"
        )
        for finding in report.findings:
            _out(f"            {finding}")
    if args.recover:
        result = doctor.recover(url, Path(args.recover))
        how = "copied whole (VACUUM INTO)" if result.whole else "salvaged what was readable"
        _out(f"Recovered {how} into {result.target} (mode 0600):")
        for table, count in result.copied.items():
            orphans = result.orphans.get(table, 0)
            extra = ", part of the table could not be read" if table in result.unreadable else ""
            extra += f", {orphans} left out (their parent was lost)" if orphans else ""
            _out(f"  {table:<17} {count:>7} {plural(count, 'row')}{extra}")
        if not result.whole:
            _out("Rows on the damaged pages are not in the copy: check it before you use it.")
        _out(f"{report.path} was not changed. Check the copy, e.g.:")
        _out(f"  mllens --db {shlex.quote('sqlite:///' + str(result.target))} workload list")
        _out("then move the damaged file aside and the copy in its place.")
        return EXIT_OK
    if report.healthy:
        return EXIT_OK
    _out("Way out   (the damaged file is refused by every other command until then):")
    _out("  mllens doctor --recover NEW.db   copies every readable row into a new file")
    if latest is not None:
        _out(f"  or restore the backup: cp {shlex.quote(str(latest))} NEW.db")
    return EXIT_STORAGE
