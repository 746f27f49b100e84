using System.Data.Common;
using DuckDB.NET.Data;
using Sourceless.Artifacts;
using Sourceless.Contenders;
using Sourceless.Harness;

namespace Sourceless.Store;

/// <summary>
/// The results of one trial in a DuckDB file. Writes are serialized (one connection, one lock) and
/// every work item's rows are committed together with its "done" marker, so a run killed at any
/// instant holds only whole items and a resumed run redoes exactly the missing ones.
/// </summary>
public sealed class TrialStore : IDisposable
{
    public const string FileName = "results.duckdb";

    private readonly DuckDBConnection _db;
    private readonly Lock _gate = new();

    public string Path { get; }
    public int Session { get; private set; }

    private TrialStore(string path, DuckDBConnection db)
    {
        Path = path;
        _db = db;
    }

    /// <summary>Opens (or creates) a store. A file that is not a DuckDB database, or a store of
    /// another schema version, is the user's bad input (exit 2, one line), never a stack trace;
    /// nothing is written to it.</summary>
    /// <param name="anyVersion">Read a store of another schema version as it is (raw SQL over its
    /// tables, `sourceless query`); only with <paramref name="readOnly"/>.</param>
    public static TrialStore Open(string path, bool readOnly = false, bool anyVersion = false)
    {
        bool existed = File.Exists(path);
        var db = new DuckDBConnection($"Data Source={path}{(readOnly ? ";ACCESS_MODE=READ_ONLY" : "")}");
        TrialStore? store = null;
        try
        {
            db.Open();
            store = new TrialStore(path, db);
            store.CheckVersion(existed, readOnly, anyVersion && readOnly);
            return store;
        }
        catch (Exception e)
        {
            if (store is not null) store.Dispose();
            else db.Dispose();
            if (e is DuckDBException)
                throw new UserError($"{path} is not a readable Sourceless store (DuckDB says: {FirstLine(e.Message)}); it was left as it is");
            throw;
        }
    }

    private void CheckVersion(bool existed, bool readOnly, bool anyVersion)
    {
        bool hasTrial = Convert.ToInt64(Scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'trial'"), System.Globalization.CultureInfo.InvariantCulture) > 0;
        if (existed && !hasTrial)
            throw new UserError($"{Path} is a DuckDB file but not a Sourceless store (no trial table); it was left as it is");
        // Stores from before the version was recorded are version 1.
        string? stored = hasTrial ? GetTrial("schema_version") ?? (existed ? "1" : null) : null;
        if (!anyVersion && stored is not null && stored != Schema.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))
            throw new UserError($"{Path} was written with store schema version {stored}; this Sourceless reads version {Schema.Version} " +
                "(docs/store-schema.md). Rerun the trial with this version, or use the Sourceless that wrote it.");
        if (readOnly) return;
        Execute(Schema.Sql);
        if (stored is null) SetTrial("schema_version", Schema.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    public int BeginSession(string command)
    {
        lock (_gate)
        {
            Session = Convert.ToInt32(Scalar("SELECT COALESCE(MAX(session), -1) + 1 FROM sessions"), System.Globalization.CultureInfo.InvariantCulture);
            Execute("INSERT INTO sessions VALUES ($1, $2, NULL, $3, NULL)", Session, Now(), command);
            return Session;
        }
    }

    public void EndSession(double elapsedSeconds)
    {
        lock (_gate) Execute("UPDATE sessions SET finished = $1, elapsed_s = $2 WHERE session = $3", Now(), elapsedSeconds, Session);
    }

    public void SetTrial(string key, string value)
    {
        lock (_gate) Execute("INSERT OR REPLACE INTO trial VALUES ($1, $2)", key, value);
    }

    public string? GetTrial(string key)
    {
        lock (_gate) return Scalar("SELECT value FROM trial WHERE key = $1", key) as string;
    }

    public void RecordStage(string stage, double seconds, int items)
    {
        lock (_gate) Execute("INSERT INTO stages VALUES ($1, $2, $3, $4)", Session, stage, seconds, items);
    }

    public void RecordTools(IEnumerable<KeyValuePair<string, string>> versions)
    {
        lock (_gate)
            foreach (var (tool, version) in versions) Execute("INSERT OR REPLACE INTO tools VALUES ($1, $2)", tool, version);
    }

    public void RecordTestPlan(TestPlan plan)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            Execute("DELETE FROM test_cases WHERE task = $1 AND version = $2", plan.Task.Name, plan.Version.Label);
            // Hidden cases (the only ones that score) and the visible examples, each numbered as its driver numbers them.
            foreach (var (cases, visible) in new[] { (plan.Cases, false), (plan.Visible?.Cases ?? [], true) })
                foreach (var c in cases)
                    Execute("INSERT INTO test_cases VALUES ($1, $2, $3, $4, $5, $6, $7)", plan.Task.Name, plan.Version.Label, c.Index, c.Kind,
                        c.ArgumentText, c.Expected, visible);
            tx.Commit();
        }
    }

    public HashSet<string> DoneItems()
    {
        lock (_gate)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            using var cmd = Command("SELECT item FROM done");
            using var r = cmd.ExecuteReader();
            while (r.Read()) set.Add(r.GetString(0));
            return set;
        }
    }

    /// <summary>Stores one generation (an artifact or its failure) with its tool invocations.</summary>
    public void RecordGeneration(string item, string artifactId, GenerationRequestInfo info, Generation gen)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            var a = gen.Artifact;
            Execute("DELETE FROM artifacts WHERE artifact_id = $1", artifactId);
            Execute("DELETE FROM invocations WHERE artifact_id = $1", artifactId);
            Execute("DELETE FROM model_requests WHERE artifact_id = $1", artifactId);
            Execute("DELETE FROM candidates WHERE artifact_id = $1", artifactId);
            Execute("INSERT INTO artifacts VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)",
                artifactId, info.Task, info.Version, info.Contender, info.Target.Id, info.Target.Isa.Name, info.Target.Compiler, info.Target.OptLevel,
                info.Generation, a is null ? "failed" : "ok", gen.Failure, a?.Code, a?.CodeHash, a?.Code.Length,
                a?.Source is not null, a?.ObjectFile is not null, a is null ? null : string.Join(" ", a.Dependencies), gen.LatencyMs, Session,
                a?.Source, a?.ObjectFile, a?.DebugImage);
            int seq = 0;
            foreach (var inv in gen.Invocations)
                Execute("INSERT INTO invocations VALUES ($1, $2, $3, $4, $5, $6, $7)", artifactId, seq++, inv.Tool, inv.Version, inv.CommandLine, inv.ExitCode, inv.DurationMs);
            seq = 0;
            foreach (var r in gen.Requests)
                Execute("INSERT INTO model_requests VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)", artifactId, seq++, r.Attempt, r.Endpoint,
                    r.Model, r.Mode, r.PromptVersion, r.Status, r.Outcome, r.LatencyMs, r.PromptTokens, r.CompletionTokens, r.Reply, r.Error, r.Round);
            foreach (var c in gen.Candidates)
                Execute("INSERT INTO candidates VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)", artifactId, c.Seq, c.Strategy,
                    c.Code is null ? "failed" : "ok", c.Failure, c.Code, c.Code is null ? null : Harness.Workspace.Hash(c.Code),
                    c.Visible?.KindText, c.Visible?.CasesPassed, c.Visible?.CasesTotal, c.Visible?.Detail, c.Chosen, c.GenerateMs, c.CheckMs);
            MarkDone(item);
            tx.Commit();
        }
    }

    /// <summary>Reads a stored artifact's code (null when the generation failed).</summary>
    public byte[]? ArtifactCode(string artifactId) => Blob("code", artifactId);

    /// <summary>The linked ELF with DWARF, for contenders that have debug info.</summary>
    public byte[]? ArtifactDebugImage(string artifactId) => Blob("debug_image", artifactId);

    public string? ArtifactSource(string artifactId)
    {
        lock (_gate) return Scalar("SELECT source FROM artifacts WHERE artifact_id = $1", artifactId) as string;
    }

    private byte[]? Blob(string column, string artifactId)
    {
        lock (_gate) return Scalar($"SELECT {column} FROM artifacts WHERE artifact_id = $1", artifactId) switch
        {
            byte[] b => b,
            Stream s => ReadAll(s),
            _ => null,
        };
    }

    /// <summary>Stores one work item's rows (typed records, <see cref="IRow"/>, of any tables) with its
    /// done marker, in one transaction: a killed run holds the whole item or none of it. A row
    /// replaces any stored row with the same key (its first column).</summary>
    public void RecordRows(string item, IEnumerable<IRow> rows)
    {
        lock (_gate)
        {
            using var tx = _db.BeginTransaction();
            foreach (var row in rows)
            {
                var map = RowMap.Of(row.GetType());
                var values = map.Values(row);
                Execute($"DELETE FROM {map.Table} WHERE {map.Columns[0]} = $1", values[0]);
                string columns = string.Join(", ", map.Columns.Append("session"));
                string holes = string.Join(", ", Enumerable.Range(1, map.Columns.Count + 1).Select(i => "$" + i));
                Execute($"INSERT INTO {map.Table} ({columns}) VALUES ({holes})", [.. values, Session]);
            }
            MarkDone(item);
            tx.Commit();
        }
    }

    /// <summary>Copies every row of the given tables from another store of this schema version
    /// (a shard of the same trial, 'trial merge') in one transaction.</summary>
    public void AppendFrom(string otherStore, IEnumerable<string> tables)
    {
        lock (_gate)
        {
            Execute($"ATTACH '{otherStore.Replace("'", "''")}' AS other (READ_ONLY)");
            try
            {
                using var tx = _db.BeginTransaction();
                foreach (var t in tables) Execute($"INSERT INTO main.{t} SELECT * FROM other.{t}");
                tx.Commit();
            }
            finally
            {
                Execute("DETACH other");
            }
        }
    }

    private static byte[] ReadAll(Stream s)
    {
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>Runs a read query and reads each row into a positional record by name (the column
    /// of each parameter's snake_case name, <see cref="RowReader"/>). The columns are checked against
    /// the record before any row is read, so a renamed column fails on an empty store too.</summary>
    public IReadOnlyList<T> Rows<T>(string sql, params object?[] args)
    {
        var plan = RowReader.Of(typeof(T));
        lock (_gate)
        {
            using var cmd = Command(sql, args);
            using var r = cmd.ExecuteReader();
            return plan.ReadAll<T>(r);
        }
    }

    /// <summary>Runs a read query whose columns are not known in advance (`sourceless query`); rows
    /// as dictionaries (column name to value). A query of known columns reads a record with
    /// <see cref="Rows{T}"/>.</summary>
    public List<Dictionary<string, object?>> Query(string sql, params object?[] args)
    {
        lock (_gate)
        {
            using var cmd = Command(sql, args);
            using var r = cmd.ExecuteReader();
            var rows = new List<Dictionary<string, object?>>();
            while (r.Read())
            {
                var row = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (int i = 0; i < r.FieldCount; i++)
                    row[r.GetName(i)] = r.IsDBNull(i) ? null : r.GetValue(i) is Stream blob ? ReadAll(blob) : r.GetValue(i);
                rows.Add(row);
            }
            return rows;
        }
    }

    public IReadOnlyList<string> Tables() => Rows<TableEntry>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name")
        .Select(r => r.TableName).ToList();

    private sealed record TableEntry(string TableName);

    private void MarkDone(string item) => Execute("INSERT OR REPLACE INTO done VALUES ($1, $2, $3)", item, Session, Now());

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    private DuckDBCommand Command(string sql, params object?[] args)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var a in args) cmd.Parameters.Add(new DuckDBParameter(a ?? DBNull.Value));
        return cmd;
    }

    /// <summary>One statement on the store (under its lock), for maintenance such as a merge's path moves.</summary>
    public void Update(string sql, params object?[] args)
    {
        lock (_gate) Execute(sql, args);
    }

    private void Execute(string sql, params object?[] args)
    {
        using var cmd = Command(sql, args);
        cmd.ExecuteNonQuery();
    }

    private object? Scalar(string sql, params object?[] args)
    {
        using var cmd = Command(sql, args);
        var v = cmd.ExecuteScalar();
        return v is DBNull ? null : v;
    }

    public void Dispose() => _db.Dispose();
}

/// <summary>Identifies a generation independently of whether it produced an artifact.</summary>
public sealed record GenerationRequestInfo(string Task, string Version, string Contender, Targets.Target Target, int Generation);

/// <summary>One injected fault (a bit flip or a source typo) and what became of it.</summary>
[Table("faults")]
public sealed record FaultRow(string FaultId, string ArtifactId, string Kind, int Position, int? Bit, string? Edit, int? SourceLine,
    string Outcome, int? Signal, int? DiagnosticLine, int? FaultLine, bool Located, int Value, string Detail) : IRow;

/// <summary>One run of an artifact's tests, as stored: the outcome's parts are columns.</summary>
[Table("executions")]
public sealed record ExecutionRow(string ExecutionId, string ArtifactId, string Experiment, string RunIsa, string Libdep,
    string Outcome, int? Signal, int CasesPassed, int CasesTotal, double WallMs, long? RuntimeNs, string Detail, string CommandLine) : IRow
{
    public static ExecutionRow Of(string executionId, string artifactId, string experiment, string runIsa, string libdep,
        Sandbox.Outcome outcome, double wallMs, string commandLine) =>
        new(executionId, artifactId, experiment, runIsa, libdep, outcome.KindText, outcome.Signal, outcome.CasesPassed, outcome.CasesTotal,
            wallMs, outcome.RuntimeNs, outcome.Detail, commandLine);
}
