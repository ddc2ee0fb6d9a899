using Cutover.Checks;
using Cutover.Connectors;
using Cutover.Errors;
using Cutover.Migration;
using Cutover.Plan;
using Cutover.Schema;
using Cutover.Values;

namespace Cutover.Verification;

/// <summary>
/// Checks the target's own integrity after a migration (<c>cutover audit</c>), not a comparison with the source (that is
/// <see cref="Verifier"/>): every foreign key of every entity resolves, the id map of every re-keyed entity is complete and
/// one-to-one (<see cref="IdMapAuditor"/>), every custom check of the plan passes, and the target store's own checks
/// (<see cref="ITargetStore.CheckIntegrityAsync"/>) find nothing. Read-only; a problem is a finding, never an exception.
/// </summary>
public static class Auditor
{
    public static async Task<AuditResult> AuditAsync(MigrationContext ctx, CancellationToken ct)
    {
        var findings = new List<AuditFinding>();
        var existing = new List<string>();
        foreach (var e in ctx.Entities)
        {
            if (await ctx.Target.TableExistsAsync(e.Target.Name, ct).ConfigureAwait(false))
            {
                existing.Add(e.Target.Name);
            }
        }
        foreach (var e in ctx.Entities)
        {
            foreach (var fk in e.Target.ForeignKeys)
            {
                findings.Add(await ForeignKeyAsync(ctx, e.Target, fk, existing, ct).ConfigureAwait(false));
            }
        }
        foreach (var e in ctx.Entities.Where(e => e.IsRekeyed))
        {
            findings.AddRange(await IdMapAuditor.AuditAsync(ctx, e, existing.Contains(e.Target.Name, StringComparer.Ordinal), ct).ConfigureAwait(false));
        }
        foreach (var c in await CheckRunner.RunAsync(ctx, ct).ConfigureAwait(false))
        {
            findings.Add(Check(c));
        }
        if (existing.Count > 0)
        {
            findings.AddRange(await ctx.Target.CheckIntegrityAsync(existing, ct).ConfigureAwait(false));
        }
        return new AuditResult(findings);
    }

    /// <summary><c>events (session_id) -> sessions (id)</c>.</summary>
    public static string Describe(TargetTable table, ForeignKeySchema fk) =>
        $"{table.Name} ({string.Join(", ", fk.Columns)}) -> {fk.RefTable} ({string.Join(", ", fk.RefColumns)})";

    private static async Task<AuditFinding> ForeignKeyAsync(MigrationContext ctx, TargetTable table, ForeignKeySchema fk, List<string> existing, CancellationToken ct)
    {
        var subject = Describe(table, fk);
        AuditFinding Failed(string detail) => new(AuditChecks.ForeignKey, subject, false, 0, detail, []);
        if (!existing.Contains(table.Name, StringComparer.Ordinal))
        {
            return Failed($"table {table.Name} does not exist on the target");
        }
        if (!existing.Contains(fk.RefTable, StringComparer.Ordinal) && !await ctx.Target.TableExistsAsync(fk.RefTable, ct).ConfigureAwait(false))
        {
            return Failed($"parent table {fk.RefTable} does not exist on the target");
        }
        try
        {
            var found = await ctx.Target.FindForeignKeyViolationsAsync(table, fk, AuditChecks.Samples, ct).ConfigureAwait(false);
            return found.Count == 0
                ? new AuditFinding(AuditChecks.ForeignKey, subject, true, 0, "every reference resolves", [])
                : new AuditFinding(AuditChecks.ForeignKey, subject, false, found.Count,
                    $"{Rows(found.Count)} {(found.Count == 1 ? "points" : "point")} at no {fk.RefTable} row", found.SampleKeys.Select(k => Value.DisplayKey(k)).ToList());
        }
        catch (CutoverException ex) when (ex.Code == ErrorCodes.UnsupportedSchema)
        {
            return Failed(ex.Message);
        }
    }

    private static AuditFinding Check(CheckResult c)
    {
        var on = $"on {c.On.ToString().ToLowerInvariant()}";
        var detail = c.Error is not null ? $"{on}: the query failed: {c.Error}"
            : c.Passed ? $"{on}: {c.Actual}, as expected"
            : $"{on}: expected {c.Expected}, got {c.Actual}";
        return new AuditFinding(AuditChecks.Check, c.Name, c.Passed, c.Passed ? 0 : 1, detail, []);
    }

    /// <summary><c>1 row</c>, <c>3 rows</c>.</summary>
    internal static string Rows(long n, string what = "row") => $"{n} {what}{(n == 1 ? "" : "s")}";
}
