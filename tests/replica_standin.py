"""A stand-in for a read replica, for the tests and benches that need one on a single PostgreSQL cluster whose
`wal_level` is `replica` (no logical replication between two of its databases, no standby of its own).

`ReplicaStandIn(primary)` makes the database `<primary>_replica` with the primary's schema (`pg_dump
--schema-only`), then, in a thread, copies the primary into it over and over: each copy is one consistent snapshot
of every table (a REPEATABLE READ transaction, `COPY ... TO STDOUT`), applied `delay` seconds after it was taken in
one transaction (`DELETE` every table's rows, `COPY ... FROM STDIN`, foreign keys unchecked as a replica applies
them). So, like a streaming replica that lags, the replica is at every moment the whole primary as it was a moment
before, never a mix of two moments; and a write is seen there only after its delay. Sequences are not copied: a
replica is never written to.

`pause()` stops the copies (the replica keeps what it has: a write made then is on the primary only, for as long
as the test needs), `sync()` applies a fresh snapshot at once, `stop()` ends the thread and drops the database."""

import subprocess
import threading
import time

import psycopg
from psycopg import sql


class ReplicaStandIn:
    def __init__(self, primary: dict, *, delay: float = 1.0, interval: float = 0.2):
        """`primary`: Django's settings of the primary (NAME, USER, HOST, PORT)."""
        self.primary = primary
        self.name = f"{primary['NAME']}_replica"
        self.delay, self.interval = delay, interval
        self.applied = 0  # snapshots applied so far
        self._taken = 0.0  # when the snapshot the replica holds was taken (monotonic)
        self._running = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()  # one snapshot applied at a time
        self._snapshotting = threading.Lock()  # held while the thread reads the primary
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def _conninfo(self, name: str) -> str:
        p = self.primary
        return f"host={p['HOST'] or '127.0.0.1'} port={p['PORT'] or 5432} user={p['USER']} dbname={name}"

    @property
    def url(self) -> str:
        p = self.primary
        return f"postgres://{p['USER']}@{p['HOST'] or '127.0.0.1'}:{p['PORT'] or 5432}/{self.name}"

    def start(self) -> "ReplicaStandIn":
        with psycopg.connect(self._conninfo("postgres"), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
        p = self.primary
        common = ["-h", p["HOST"] or "127.0.0.1", "-p", str(p["PORT"] or 5432), "-U", p["USER"]]
        schema = subprocess.run(
            ["pg_dump", *common, "--schema-only", "--no-owner", p["NAME"]],
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
        subprocess.run(
            ["psql", *common, "-q", "-v", "ON_ERROR_STOP=1", "-d", self.name],
            input=schema,
            capture_output=True,
            check=True,
            timeout=120,
        )
        self.sync()
        self._running.set()
        self._thread = threading.Thread(target=self._run, name="replica-stand-in", daemon=True)
        self._thread.start()
        return self

    def _tables(self, conn) -> list[str]:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        return [name for (name,) in rows]

    def _snapshot(self) -> dict[str, bytes]:
        with psycopg.connect(self._conninfo(self.primary["NAME"])) as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            copied = {}
            with conn.cursor() as cursor:
                for table in self._tables(conn):
                    chunks = []
                    query = sql.SQL("COPY {} TO STDOUT (FORMAT binary)").format(sql.Identifier(table))
                    with cursor.copy(query) as copy:
                        for chunk in copy:
                            chunks.append(bytes(chunk))
                    copied[table] = b"".join(chunks)
            conn.rollback()
        return copied

    def _apply(self, snapshot: dict[str, bytes], taken: float, *, unless_paused: bool = False) -> None:
        with self._lock, psycopg.connect(self._conninfo(self.name)) as conn:
            if (unless_paused and not self._running.is_set()) or taken < self._taken:
                return  # paused, or older than what the replica holds: a replica never goes back
            self._taken = taken
            conn.execute("SET session_replication_role = replica")  # as a replica applies: no FK triggers
            with conn.cursor() as cursor:
                for table, data in snapshot.items():
                    # DELETE rather than TRUNCATE: readers keep the previous copy until this one commits, and
                    # never wait for a lock
                    cursor.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
                    query = sql.SQL("COPY {} FROM STDIN (FORMAT binary)").format(sql.Identifier(table))
                    with cursor.copy(query) as copy:
                        copy.write(data)
            conn.commit()
            self.applied += 1

    def sync(self) -> None:
        """Make the replica the primary as it is now."""
        taken = time.monotonic()
        self._apply(self._snapshot(), taken)

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                if not self._running.wait(0.1):
                    continue
                with self._snapshotting:
                    if not self._running.is_set():
                        continue
                    taken = time.monotonic()
                    snapshot = self._snapshot()
                self._stopping.wait(max(0.0, taken + self.delay - time.monotonic()))
                if not self._stopping.is_set():
                    self._apply(snapshot, taken, unless_paused=True)
                self._stopping.wait(self.interval)
        except BaseException as exc:  # reported by stop(): a test must not pass on a replica that stopped
            self.error = exc

    def pause(self) -> None:
        """No more copies until resume(): returns once none is being taken or applied (so the primary can be
        flushed: a snapshot's locks would deadlock with a TRUNCATE), and a copy taken before is not applied."""
        self._running.clear()
        with self._snapshotting, self._lock:
            pass

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
        with psycopg.connect(self._conninfo("postgres"), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))
        if self.error is not None:
            raise RuntimeError("the replica stand-in stopped copying") from self.error
