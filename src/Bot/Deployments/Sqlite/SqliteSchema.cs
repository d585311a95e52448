namespace Bot.Deployments.Sqlite;

/// <summary>
/// Versioned schema: each step runs once, in order; the steps a store lacks run together in one transaction
/// (<see cref="SqliteDeploymentStore.MigrateAsync(CancellationToken)"/>), so a step may not need a transaction of its own. Never edit a shipped step; add one.
/// </summary>
internal static class SqliteSchema
{
    public static readonly (int Version, string Sql)[] Steps =
    [
        (1, """
            CREATE TABLE deployments (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                app TEXT NOT NULL, env TEXT NOT NULL, number INTEGER NOT NULL, kind TEXT NOT NULL,
                ref TEXT, sha TEXT, subject TEXT,
                platform TEXT NOT NULL, conversation TEXT NOT NULL, thread TEXT, user_id TEXT NOT NULL, user_name TEXT NOT NULL,
                state TEXT NOT NULL, created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER,
                release TEXT, url TEXT, message TEXT, rollback_to TEXT, skip_checks INTEGER NOT NULL DEFAULT 0,
                UNIQUE (app, number));
            CREATE INDEX deployments_app_env ON deployments (app, env, id);
            CREATE INDEX deployments_active ON deployments (state) WHERE state IN ('queued', 'running');

            CREATE TABLE deployment_events (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                deployment_id INTEGER NOT NULL REFERENCES deployments (id),
                at INTEGER NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL);
            CREATE INDEX deployment_events_deployment ON deployment_events (deployment_id, seq);

            CREATE TABLE locks (
                app TEXT NOT NULL, env TEXT NOT NULL, kind TEXT NOT NULL,
                holder_id TEXT NOT NULL, holder_name TEXT NOT NULL, reason TEXT, since INTEGER NOT NULL,
                deployment_id INTEGER REFERENCES deployments (id),
                PRIMARY KEY (app, env, kind));

            CREATE TABLE jobs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL, deployment_id INTEGER REFERENCES deployments (id), payload TEXT,
                state TEXT NOT NULL, owner TEXT, lease_until INTEGER, cancel_requested INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, finished_at INTEGER);
            CREATE INDEX jobs_queued ON jobs (id) WHERE state = 'queued';
            CREATE INDEX jobs_running ON jobs (id) WHERE state = 'running';
            CREATE INDEX jobs_deployment ON jobs (deployment_id);

            CREATE TABLE audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,
                platform TEXT NOT NULL, conversation TEXT NOT NULL, user_id TEXT NOT NULL, user_name TEXT NOT NULL,
                command TEXT NOT NULL, app TEXT, result TEXT NOT NULL);
            CREATE INDEX audit_app ON audit (app, id);

            CREATE TABLE deliveries (
                source TEXT NOT NULL, id TEXT NOT NULL, at INTEGER NOT NULL,
                PRIMARY KEY (source, id)) WITHOUT ROWID;
            CREATE INDEX deliveries_at ON deliveries (at);

            CREATE TABLE notes (
                scope TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, at INTEGER NOT NULL,
                PRIMARY KEY (scope, key)) WITHOUT ROWID;
            """),
        (2, """
            CREATE TABLE alerts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                source TEXT NOT NULL, app TEXT NOT NULL, env TEXT, severity TEXT NOT NULL,
                title TEXT NOT NULL, detail TEXT, link TEXT, dedupe_key TEXT NOT NULL,
                state TEXT NOT NULL, count INTEGER NOT NULL, first_at INTEGER NOT NULL, last_at INTEGER NOT NULL,
                resolved_at INTEGER, muted INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX alerts_open ON alerts (app, dedupe_key, last_at) WHERE state = 'firing';
            CREATE INDEX alerts_app ON alerts (app, id);
            """),
        (3, """
            CREATE TABLE approval_requests (
                deployment_id INTEGER PRIMARY KEY REFERENCES deployments (id),
                needed INTEGER NOT NULL, expires_at INTEGER NOT NULL, approvers TEXT NOT NULL);
            CREATE INDEX approval_requests_expiry ON approval_requests (expires_at);

            -- One answer per person and deployment: a second tap, on any replica, records nothing.
            CREATE TABLE approvals (
                deployment_id INTEGER NOT NULL REFERENCES deployments (id),
                user_id TEXT NOT NULL, user_name TEXT NOT NULL, approved INTEGER NOT NULL, reason TEXT, at INTEGER NOT NULL,
                PRIMARY KEY (deployment_id, user_id)) WITHOUT ROWID;
            """),
        // Who a command came from as People knows them, how it ended (ok, refused, limited, failed), and its environment.
        (4, """
            ALTER TABLE audit ADD COLUMN person TEXT;
            ALTER TABLE audit ADD COLUMN outcome TEXT;
            ALTER TABLE audit ADD COLUMN env TEXT;
            """),
        // A command that changes nothing is de-duplicated by its audit entry (one row per request, not two).
        (5, """
            ALTER TABLE audit ADD COLUMN delivery TEXT;
            CREATE UNIQUE INDEX audit_delivery ON audit (delivery);
            """),
        // Deploy on push: deployments that wait (for CI checks or their turn) without the lock, and promotions' source.
        (6, """
            ALTER TABLE deployments ADD COLUMN promote_from TEXT;
            ALTER TABLE deployments ADD COLUMN via TEXT;
            CREATE INDEX deployments_waiting ON deployments (id) WHERE state = 'waiting';
            """),
        // Deploy events: the state lines of all deployments in order, read after a delivery cursor.
        (7, """
            CREATE INDEX deployment_events_state ON deployment_events (seq) WHERE kind = 'state';
            """),
        // Retention: when a finished deployment's output was removed and under which setting; the index holds only the
        // finished deployments not yet pruned, so finding the next ones stays cheap however many were pruned before.
        (8, """
            ALTER TABLE deployments ADD COLUMN output_removed_at INTEGER;
            ALTER TABLE deployments ADD COLUMN output_retention TEXT;
            CREATE INDEX deployments_unpruned ON deployments (finished_at) WHERE output_removed_at IS NULL AND finished_at IS NOT NULL;
            """),
        // Scale: the deployments not yet ended per app (all four states the snapshot asks for; the step 1 index had two, so
        // a snapshot walked every row of the app), the last good one per app/env, and the audit log by time.
        (9, """
            DROP INDEX deployments_active;
            CREATE INDEX deployments_open ON deployments (app, id) WHERE state IN ('queued', 'running', 'awaiting_approval', 'waiting');
            CREATE INDEX deployments_live ON deployments (app, env, id) WHERE state = 'succeeded' AND kind <> 'task';
            CREATE INDEX audit_at ON audit (at, id);
            CREATE INDEX audit_app_at ON audit (app, at, id);
            """),
        // Stats: the releases that finished in a window, per environment and per app/env, read as a range (the query
        // before walked every deployment of the environment).
        (10, """
            CREATE INDEX deployments_released ON deployments (env, finished_at) WHERE kind IN ('deploy', 'rollback', 'promote');
            CREATE INDEX deployments_app_released ON deployments (app, env, finished_at) WHERE kind IN ('deploy', 'rollback', 'promote');
            """),
    ];
}
