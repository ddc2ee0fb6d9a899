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
/// Backups of a PostgreSQL store: <c>pg_dump -Fc</c> of the whole database into a file, checksummed by the caller;
/// integrity is <c>pg_restore --list</c>; restore drops the tables the dump does not know (the ones the run created)
/// and runs <c>pg_restore --clean --if-exists --single-transaction</c>. The password reaches pg_dump and pg_restore
/// through PGPASSWORD only, never on a command line.
/// </summary>
internal sealed partial class PostgreSqlStore
{
    public async Task<BackupInfo> BackupAsync(string directory, string label, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, label + ".pgdump");
        File.Delete(path);
        var (code, _, err) = await RunToolAsync("pg_dump", ["--format=custom", "--no-password", "--file", path], withDatabase: true, ct).ConfigureAwait(false);
        if (code != 0)
        {
            File.Delete(path);
            throw new CutoverException(ErrorCodes.BackupMissing, $"pg_dump of {_role} {Display} failed (exit {code}): {Scrub(err)}");
        }
        return new BackupInfo(path, await Task.Run(() => Sha256Of(path), ct).ConfigureAwait(false), new FileInfo(path).Length, Existed: true);
    }

    public async Task<string?> CheckBackupIntegrityAsync(string path, CancellationToken ct)
    {
        var (code, _, err) = await RunToolAsync("pg_restore", ["--list", path], withDatabase: false, ct).ConfigureAwait(false);
        return code == 0 ? null : $"pg_restore --list failed (exit {code}): {Scrub(err)}";
    }

    public async Task RestoreAsync(BackupInfo backup, CancellationToken ct)
    {
        var (code, list, err) = await RunToolAsync("pg_restore", ["--list", backup.Path], withDatabase: false, ct).ConfigureAwait(false);
        if (code != 0)
        {
            throw new CutoverException(ErrorCodes.RollbackFailed, $"cannot read backup {backup.Path}: {Scrub(err)}");
        }
        var schema = (string)(await new NpgsqlCommand("SELECT current_schema()", _conn).ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        var inDump = DumpedTables(list, schema);
        var now = new List<string>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1", _conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                now.Add(r.GetString(0));
            }
        }
        // Tables the backup does not hold did not exist before the run: rollback removes them.
        var created = now.Where(t => !inDump.Contains(t)).ToList();
        if (created.Count > 0)
        {
            await using var tx = await _conn.BeginTransactionAsync(ct).ConfigureAwait(false);
            // The store may be open with default_transaction_read_only=on; putting a backup back is a deliberate write.
            await new NpgsqlCommand("SET TRANSACTION READ WRITE", _conn, tx).ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await new NpgsqlCommand("DROP TABLE IF EXISTS " + string.Join(", ", created.Select(PgSql.Quote)) + " CASCADE", _conn, tx).ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
        var target = "dbname='" + _settings.Database!.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
        (code, _, err) = await RunToolAsync("pg_restore", ["--clean", "--if-exists", "--single-transaction", "--exit-on-error", "--no-password", "--dbname", target, backup.Path], withDatabase: true, ct).ConfigureAwait(false);
        if (code != 0)
        {
            throw new CutoverException(ErrorCodes.RollbackFailed, $"pg_restore into {_role} {Display} failed (exit {code}): {Scrub(err)}");
        }
        _columnTypes.Clear();
    }

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
