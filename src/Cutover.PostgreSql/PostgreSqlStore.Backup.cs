using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Cutover.Connectors;
using Cutover.Errors;
using Cutover.PostgreSql.Internal;
using Npgsql;

namespace Cutover.PostgreSql;

/// <summary>
/// Backups of a PostgreSQL store: <c>pg_dump -Fc --table</c> of the run's target tables that exist, nothing else in the
/// database, checksummed by the caller; integrity is <c>pg_restore --list</c>. A restore drops the run's tables (those
/// it created and the current versions of those it replaced), in one transaction, then runs
/// <c>pg_restore --single-transaction</c>, which puts back each dumped table with its rows, indexes, constraints,
/// sequences, comments and grants. A source is never dumped: Cutover only reads it. The password reaches pg_dump and
/// pg_restore through PGPASSWORD only, never on a command line.
/// </summary>
internal sealed partial class PostgreSqlStore
{
    public bool BacksUpTablesOnly => true;

    public string? NoBackupReason => _role == "source"
        ? "a PostgreSQL source is only read (its session is read-only), so rollback never needs a copy of it, and dumping the whole database would cost time, disk and load; take your own backup if you want one"
        : null;

    public async Task<BackupInfo> BackupAsync(BackupRequest request, CancellationToken ct)
    {
        if (request.Tables.Count == 0)
        {
            // None of the run's tables exists yet: there is nothing to keep, and a restore only drops what the run created.
            return new BackupInfo("", "", 0, Existed: true) { Tables = [], NewTables = request.NewTables };
        }
        Directory.CreateDirectory(request.Directory);
        var path = Path.Combine(request.Directory, request.Label + ".pgdump");
        File.Delete(path);
        var schema = await CurrentSchemaAsync(ct).ConfigureAwait(false);
        var args = new List<string> { "--format=custom", "--no-password", "--strict-names", "--file", path };
        foreach (var t in request.Tables)
        {
            // A pattern in double quotes matches the name exactly (case, dots and wildcards included).
            args.Add("--table");
            args.Add(PgSql.Quote(schema) + "." + PgSql.Quote(t));
        }
        var (code, _, err) = await RunToolAsync("pg_dump", args, withDatabase: true, ct).ConfigureAwait(false);
        if (code != 0)
        {
            File.Delete(path);
            throw await ToolFailureAsync(ErrorCodes.BackupMissing, $"pg_dump of {_role} {Display} failed (exit {code}): {Scrub(err)}", err, ct).ConfigureAwait(false);
        }
        string list;
        (code, list, err) = await RunToolAsync("pg_restore", ["--list", path], withDatabase: false, ct).ConfigureAwait(false);
        var dumped = code == 0 ? DumpedTables(list, schema) : [];
        if (code != 0 || request.Tables.Any(t => !dumped.Contains(t)))
        {
            throw new CutoverException(ErrorCodes.BackupCorrupt, code != 0
                ? $"pg_restore --list cannot read the dump of {_role} {Display} it just took: {Scrub(err)}"
                : $"the dump of {_role} {Display} lacks table(s) {string.Join(", ", request.Tables.Where(t => !dumped.Contains(t)))}");
        }
        return new BackupInfo(path, await Task.Run(() => Sha256Of(path), ct).ConfigureAwait(false), new FileInfo(path).Length, Existed: true)
        {
            Tables = request.Tables,
            NewTables = request.NewTables,
        };
    }

    public async Task<string?> CheckBackupIntegrityAsync(string path, CancellationToken ct)
    {
        var (code, _, err) = await RunToolAsync("pg_restore", ["--list", path], withDatabase: false, ct).ConfigureAwait(false);
        return code == 0 ? null : $"pg_restore --list failed (exit {code}): {Scrub(err)}";
    }

    public async Task RestoreAsync(BackupInfo backup, CancellationToken ct)
    {
        var hasFile = backup.Path.Length > 0;
        if (hasFile)
        {
            var (code, _, err) = await RunToolAsync("pg_restore", ["--list", backup.Path], withDatabase: false, ct).ConfigureAwait(false);
            if (code != 0)
            {
                throw new CutoverException(ErrorCodes.RollbackFailed, $"cannot read backup {backup.Path}: {Scrub(err)}");
            }
        }
        var schema = await CurrentSchemaAsync(ct).ConfigureAwait(false);
        IReadOnlyList<string> drop;
        if (backup.Tables is null)
        {
            // A record from before backups named their tables holds a dump of the whole schema: every table there now
            // is either in it (and comes back from it) or was created by the run.
            drop = hasFile ? await CurrentTablesAsync(ct).ConfigureAwait(false) : [];
        }
        else
        {
            // Without a file nothing can be put back, so only the tables the run created are dropped.
            drop = [.. backup.NewTables ?? [], .. hasFile ? backup.Tables : []];
        }
        await DropTablesAsync(schema, drop, ct).ConfigureAwait(false);
        if (hasFile)
        {
            var target = "dbname='" + _settings.Database!.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
            var (code, _, err) = await RunToolAsync("pg_restore", ["--single-transaction", "--exit-on-error", "--no-password", "--dbname", target, backup.Path], withDatabase: true, ct).ConfigureAwait(false);
            if (code != 0)
            {
                throw await ToolFailureAsync(ErrorCodes.RollbackFailed,
                    $"pg_restore into {_role} {Display} failed (exit {code}): {Scrub(err)}; the run's tables are already dropped and the backup is intact: fix the cause and run rollback again",
                    err, ct).ConfigureAwait(false);
            }
        }
        _columnTypes.Clear();
    }

    /// <summary>
    /// The error for a failed pg_dump or pg_restore: a transient SOURCE_UNREACHABLE or TARGET_UNREACHABLE when it lost
    /// the server (its message says so, or the server does not answer now), so the caller's retry policy tries again;
    /// otherwise <paramref name="code"/>.
    /// </summary>
    private async Task<CutoverException> ToolFailureAsync(string code, string message, string stderr, CancellationToken ct)
    {
        var lost = LostConnection().IsMatch(stderr);
        if (!lost)
        {
            try
            {
                await GuardAsync(async conn =>
                {
                    await using var cmd = new NpgsqlCommand("SELECT 1", conn);
                    await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
                }, ct).ConfigureAwait(false);
            }
            catch (CutoverException ex) when (ex.IsTransient)
            {
                lost = true;
            }
        }
        return lost ? new CutoverException(UnreachableCode(_role), message, isTransient: true) : new CutoverException(code, message);
    }

    /// <summary>libpq's and the server's words for a connection that went away (the tools run with LC_MESSAGES=C).</summary>
    [GeneratedRegex(@"connection refused|server closed the connection unexpectedly|terminating connection due to|the database system is (shutting down|starting up|in recovery mode|not yet accepting connections)|no connection to the server|could not (receive|send) data (from|to) server|SSL SYSCALL error|timeout expired|connection timed out|lost synchronization with server", RegexOptions.IgnoreCase)]
    private static partial Regex LostConnection();

    private Task<string> CurrentSchemaAsync(CancellationToken ct) => GuardAsync(async conn =>
    {
        await using var cmd = new NpgsqlCommand("SELECT current_schema()", conn);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) as string
            ?? throw new CutoverException(ErrorCodes.TargetNotWritable, $"{_role} {Display} has no schema on its search_path");
    }, ct);

    private Task<IReadOnlyList<string>> CurrentTablesAsync(CancellationToken ct) => GuardAsync<IReadOnlyList<string>>(async conn =>
    {
        var now = new List<string>();
        await using var cmd = new NpgsqlCommand(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1", conn);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            now.Add(r.GetString(0));
        }
        return now;
    }, ct);

    /// <summary>
    /// Drops <paramref name="tables"/> of <paramref name="schema"/> (those that exist) in one statement and one transaction.
    /// No CASCADE: an object outside the run that depends on one of them (a view, another table's foreign key) fails the
    /// whole drop, and nothing is changed, rather than being dropped with it.
    /// </summary>
    private Task DropTablesAsync(string schema, IReadOnlyList<string> tables, CancellationToken ct) => tables.Count == 0 ? Task.CompletedTask : GuardAsync(async conn =>
    {
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        // The store may be open with default_transaction_read_only=on; putting a backup back is a deliberate write.
        await new NpgsqlCommand("SET TRANSACTION READ WRITE", conn, tx).ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        var names = string.Join(", ", tables.Distinct(StringComparer.Ordinal).Select(t => PgSql.Quote(schema) + "." + PgSql.Quote(t)));
        try
        {
            await new NpgsqlCommand("DROP TABLE IF EXISTS " + names, conn, tx).ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DependentObjectsStillExist)
        {
            throw new CutoverException(ErrorCodes.RollbackFailed,
                $"cannot drop the run's tables in {_role} {Display}: {ex.MessageText}{(ex.Detail is { Length: > 0 } d ? " (" + d.ReplaceLineEndings("; ") + ")" : "")}; nothing was changed: drop or change those objects, then run rollback again");
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }, ct);

    /// <summary>Table names in <paramref name="schema"/> from a <c>pg_restore --list</c> table of contents.</summary>
    private static HashSet<string> DumpedTables(string list, string schema)
    {
        var tables = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in list.Split('\n'))
        {
            var m = TocTable().Match(line.TrimEnd('\r'));
            if (m.Success && m.Groups[1].Value == schema)
            {
                tables.Add(m.Groups[2].Value);
            }
        }
        return tables;
    }

    [GeneratedRegex(@"^\d+; \d+ \d+ TABLE (\S+) (.+) \S+$")]
    private static partial Regex TocTable();

    /// <summary>A tool's stderr, trimmed, with the password masked should it ever appear.</summary>
    private string Scrub(string text)
    {
        text = text.Trim();
        if (!string.IsNullOrEmpty(_settings.Password))
        {
            text = text.Replace(_settings.Password, "***", StringComparison.Ordinal);
        }
        text = Redaction.Redact(text);
        return text.Length > 2000 ? text[..2000] + "..." : text;
    }

    /// <summary>Runs pg_dump or pg_restore with the connection in PG* environment variables (never the password in argv).</summary>
    private async Task<(int Code, string Out, string Err)> RunToolAsync(string tool, IReadOnlyList<string> args, bool withDatabase, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(FindTool(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        if (withDatabase)
        {
            psi.Environment["PGHOST"] = _settings.Host;
            psi.Environment["PGPORT"] = _settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            psi.Environment["PGUSER"] = _settings.Username;
            psi.Environment["PGDATABASE"] = _settings.Database;
            // Only a password from the URI is passed on; otherwise pg_dump finds it where the connection did
            // (PGPASSWORD or a pgpass file, both inherited from this process's environment).
            if (!string.IsNullOrEmpty(_settings.Password))
            {
                psi.Environment["PGPASSWORD"] = _settings.Password;
            }
            if (!string.IsNullOrEmpty(_settings.Passfile))
            {
                psi.Environment["PGPASSFILE"] = _settings.Passfile;
            }
            psi.Environment["PGSSLMODE"] = _settings.SslMode switch
            {
                SslMode.Disable => "disable",
                SslMode.Allow => "allow",
                SslMode.Require => "require",
                SslMode.VerifyCA => "verify-ca",
                SslMode.VerifyFull => "verify-full",
                _ => "prefer",
            };
            psi.Environment["PGAPPNAME"] = "cutover-backup";
            // Messages in English, so a lost connection is recognized whatever the user's locale.
            psi.Environment.Remove("LC_ALL");
            psi.Environment["LC_MESSAGES"] = "C";
            psi.Environment["PGCONNECT_TIMEOUT"] = "30";
        }
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new CutoverException(ErrorCodes.BackupMissing, $"cannot run {tool} ({ex.Message}); install the PostgreSQL client tools (pg_dump, pg_restore) or set CUTOVER_PG_BIN to their folder");
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync(ct);
            var stderr = p.StandardError.ReadToEndAsync(ct);
            try
            {
                await p.WaitForExitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
                throw;
            }
            return (p.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
    }

    /// <summary>CUTOVER_PG_BIN, then PATH, then the newest /usr/lib/postgresql/N/bin.</summary>
    private static string FindTool(string tool)
    {
        var dirs = new List<string>();
        if (Environment.GetEnvironmentVariable("CUTOVER_PG_BIN") is { Length: > 0 } bin)
        {
            dirs.Add(bin);
        }
        dirs.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            dirs.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }
        return dirs.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists) ?? tool;
    }

    private static string Sha256Of(string path)
    {
        using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }
}
