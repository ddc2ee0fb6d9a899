using Cutover.Errors;
using Cutover.Migration;

namespace Cutover.Preflight;

/// <summary>
/// Read-only checks before anything is written: source readable, target writable, enough free disk,
/// keys present and unique, target tables empty on a fresh run.
/// </summary>
public static class PreflightInspector
{
    public static async Task<IReadOnlyList<PreflightFinding>> InspectAsync(MigrationContext ctx, bool freshRun, CancellationToken ct)
    {
        var findings = new List<PreflightFinding>();
        var total = 0L;
        foreach (var e in ctx.Entities)
        {
            total += await ctx.Source.CountAsync(e.Source.Name, ct).ConfigureAwait(false);
        }
        findings.Add(new("source readable", true, $"{ctx.SourceDisplay}: {ctx.Entities.Count} tables, {total} rows"));
        try
        {
            await ctx.Target.CheckWritableAsync(ct).ConfigureAwait(false);
            findings.Add(new("target writable", true, ctx.TargetDisplay + (ctx.Target.Exists ? " (exists)" : " (will be created)")));
        }
        catch (CutoverException ex) when (!ex.IsTransient)
        {
            // A dropped connection is not a finding: it propagates, so the phase is retried.
            findings.Add(new("target writable", false, ex.Message, ex.Code));
        }

        var sourceBytes = await ctx.Source.SizeBytesAsync(ct).ConfigureAwait(false);
        var targetBytes = await ctx.Target.SizeBytesAsync(ct).ConfigureAwait(false);
        // The copy needs about the source's size; the backups the plan asks for take the source and the existing target again.
        var needed = sourceBytes
            + (Backup.BackupManager.SourceSkipReason(ctx) is null ? sourceBytes : 0)
            + (ctx.Plan.Backup == Plan.BackupPolicy.None ? 0 : targetBytes);
        var free = await ctx.Target.FreeBytesAsync(ct).ConfigureAwait(false);
        if (free is { } f && f < needed)
        {
            findings.Add(new("free disk", false, $"{Mb(f)} free where {Mb(needed)} are needed (copy + backups); free space or move the target", ErrorCodes.DiskFull));
        }
        else
        {
            findings.Add(new("free disk", true, free is null ? "not measurable for this target" : $"{Mb(free.Value)} free, about {Mb(needed)} needed"));
        }

        var targetSchema = freshRun ? await ctx.Target.InspectAsync(ct).ConfigureAwait(false) : null;
        foreach (var e in ctx.Entities)
        {
            var (nulls, dups) = await ctx.Source.CheckKeysAsync(e.Source.Name, e.SourceKey, e.KeyIsRowid, ct).ConfigureAwait(false);
            var keyText = string.Join(", ", e.SourceKey);
            if (nulls > 0)
            {
                findings.Add(new($"keys of {e.Name}", false,
                    $"{nulls} rows of '{e.Name}' have NULL in key ({keyText}); set key: rowid for this entity, or fix those rows", ErrorCodes.KeyNull));
            }
            else if (dups > 0)
            {
                findings.Add(new($"keys of {e.Name}", false,
                    $"{dups} key values of '{e.Name}' ({keyText}) occur more than once; set key: to unique columns, or key: rowid", ErrorCodes.KeyNotUnique));
            }
            else
            {
                findings.Add(new($"keys of {e.Name}", true, $"({keyText}) unique and not NULL"));
            }
            if (freshRun && await ctx.Target.TableExistsAsync(e.Target.Name, ct).ConfigureAwait(false))
            {
                var rows = await ctx.Target.CountAsync(e.Target.Name, ct).ConfigureAwait(false);
                if (rows > 0 && ctx.Plan.IfExists == Plan.IfExistsPolicy.Fail)
                {
                    findings.Add(new($"target table {e.Target.Name}", false,
                        $"target table '{e.Target.Name}' already holds {rows} rows; empty it, choose another target, or set if_exists: replace", ErrorCodes.TargetNotEmpty));
                }
                else if (ctx.Plan.IfExists == Plan.IfExistsPolicy.Fail && targetSchema?.FindTable(e.Target.Name) is { } existing
                    && e.Target.Columns.Where(c => existing.FindColumn(c.Name) is null).Select(c => c.Name).ToList() is { Count: > 0 } missing)
                {
                    // An empty table is written into as it is, so it must have every column the plan writes.
                    findings.Add(new($"target table {e.Target.Name}", false,
                        $"target table '{e.Target.Name}' exists (empty) without column(s) {string.Join(", ", missing)} that the plan writes; drop it or set if_exists: replace", ErrorCodes.UnsupportedSchema));
                }
            }
        }
        return findings;
    }

    /// <summary>Throws the first failed finding as a <see cref="CutoverException"/>, listing all failures.</summary>
    public static void ThrowIfFailed(IReadOnlyList<PreflightFinding> findings)
    {
        var failed = findings.Where(f => !f.Passed).ToList();
        if (failed.Count > 0)
        {
            throw new CutoverException(failed[0].Code!, "preflight: " + failed[0].Detail)
            {
                Details = failed.Select(f => $"{f.Code}: {f.Detail}").ToList(),
            };
        }
    }

    private static string Mb(long bytes) => $"{bytes / (1024.0 * 1024.0):F1} MB";
}
