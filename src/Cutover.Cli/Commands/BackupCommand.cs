using System.CommandLine;
using Cutover.Backup;
using Cutover.Cli.Infrastructure;
using Cutover.Errors;
using Cutover.Migration;
using Cutover.State;
using Spectre.Console;

namespace Cutover.Cli.Commands;

/// <summary><c>cutover backup list|verify|restore PLAN</c>: the pre-migration backups Cutover took.</summary>
internal static class BackupCommand
{
    public sealed record Options(string Action, string Plan, string? Id, bool Json, bool DryRun);

    public static Command Build()
    {
        var root = new Command("backup", "List, verify or restore the backups taken before a run wrote anything.");
        root.Subcommands.Add(Sub("list", "List backups: role, file, size, checksum, verified."));
        root.Subcommands.Add(Sub("verify", "Check each backup of the latest run: checksum and integrity."));
        root.Subcommands.Add(Sub("restore", "Put a store back from a backup (default: the latest run's target backup)."));
        return root;
    }

    private static Command Sub(string action, string description)
    {
        var plan = CommonOptions.Plan();
        var id = new Option<string?>("--id") { Description = "A backup id from 'backup list' (default: the latest run's)" };
        var json = CommonOptions.Json();
        var cmd = new Command(action, description) { plan, id, json };
        var dryRun = CommonOptions.DryRun();
        if (action == "restore")
        {
            cmd.Options.Add(dryRun);
        }
        cmd.SetAction((r, ct) => RunAsync(new Options(action, r.GetValue(plan)!, r.GetValue(id), r.GetValue(json), action == "restore" && r.GetValue(dryRun)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("backup " + o.Action, o.Json, async () =>
    {
        var plan = CliRuntime.LoadPlan(o.Plan);
        await using (var probe = await CliRuntime.OpenStateAsync(plan, create: false, lockPlan: false, ct).ConfigureAwait(false))
        {
            if (probe is null)
            {
                throw new CutoverException(ErrorCodes.NoRun, $"plan '{plan.Name}' has no state yet, so no backups: they are taken by cutover migrate");
            }
        }
        var write = o.Action != "list" && !o.DryRun;
        using var planLock = write ? PlanLock.Acquire(plan.StateDirectory, plan.Name) : null;
        await using var ctx = await CliRuntime.OpenAsync(plan, write ? SessionMode.Write : SessionMode.ReadOnly, null, null, ct, lockPlan: write).ConfigureAwait(false);
        var state = ctx.RequireState();
        var all = await state.BackupsAsync(ct).ConfigureAwait(false);
        var latest = await state.LatestRunAsync(ct).ConfigureAwait(false);
        var chosen = o.Id is not null
            ? all.Where(b => b.Id == o.Id).ToList()
            : all.Where(b => b.RunId == latest?.Id).ToList();
        if (o.Id is not null && chosen.Count == 0)
        {
            throw new CutoverException(ErrorCodes.BackupMissing, $"no backup with id '{o.Id}'; see: cutover backup list {o.Plan}");
        }
        switch (o.Action)
        {
            case "list":
                if (o.Json)
                {
                    CliRuntime.WriteJson(all.Select(Json));
                }
                else
                {
                    var t = new Table().AddColumns("id", "role", "store", "file", "tables", "bytes", "sha256", "verified");
                    foreach (var b in all)
                    {
                        t.AddRow(b.Id, b.Role, Markup.Escape(b.Store), Markup.Escape(FileText(b)), Markup.Escape(TablesText(b)), b.Bytes.ToString(),
                            b.HasFile ? b.Sha256[..16] : "-", b.VerifiedAt is null ? "no" : Reports.Timestamp(b.VerifiedAt.Value));
                    }
                    AnsiConsole.Write(t);
                }
                return ExitCodes.Ok;
            case "verify":
                if (chosen.Count == 0)
                {
                    throw new CutoverException(ErrorCodes.BackupMissing, "no backups to verify: the latest run took none");
                }
                foreach (var b in chosen)
                {
                    await BackupManager.VerifyAsync(ctx, b, ct).ConfigureAwait(false);
                    await state.MarkBackupVerifiedAsync(b.Id, ctx.Time.GetUtcNow(), ct).ConfigureAwait(false);
                    if (!o.Json)
                    {
                        Console.Out.WriteLine($"backup {b.Id}: ok ({(b.HasFile ? $"sha256 {b.Sha256[..16]}…, integrity ok" : FileText(b))})");
                    }
                }
                if (o.Json)
                {
                    CliRuntime.WriteJson(new { verified = chosen.Select(b => b.Id) });
                }
                return ExitCodes.Ok;
            default:
                var target = o.Id is not null ? chosen[0] : chosen.FirstOrDefault(b => b.Role == BackupManager.TargetRole)
                    ?? throw new CutoverException(ErrorCodes.BackupMissing, "the latest run has no target backup; pass --id");
                if (o.DryRun)
                {
                    await BackupManager.CheckRestorableAsync(ctx, target, ct).ConfigureAwait(false);
                    if (o.Json)
                    {
                        CliRuntime.WriteJson(new { dry_run = true, restored = target.Id, role = target.Role });
                    }
                    else
                    {
                        Console.Out.WriteLine($"dry run: would {BackupManager.Describe(ctx, target)}; nothing was written.");
                    }
                    return ExitCodes.Ok;
                }
                await BackupManager.RestoreAsync(ctx, target, ct).ConfigureAwait(false);
                if (o.Json)
                {
                    CliRuntime.WriteJson(new { dry_run = false, restored = target.Id, role = target.Role });
                }
                else
                {
                    Console.Out.WriteLine($"backup {target.Id} restored ({BackupManager.Describe(ctx, target)}). The run's records are unchanged; use 'cutover rollback' to undo a whole run.");
                }
                return ExitCodes.Ok;
        }
    });

    private static string FileText(BackupRecord b) =>
        b.Skipped is { } why ? $"(not taken: {why})"
        : !b.Existed ? "(store did not exist; restoring removes it)"
        : !b.HasFile ? "(no file: none of the run's tables existed)"
        : b.Path;

    private static string TablesText(BackupRecord b) =>
        b.Tables is null ? "-" : string.Join(", ", b.Tables) + (b.NewTables is { Count: > 0 } n ? $" (new: {string.Join(", ", n)})" : "");

    private static object Json(BackupRecord b) => new
    {
        id = b.Id,
        run_id = b.RunId,
        role = b.Role,
        store = b.Store,
        path = b.Path,
        bytes = b.Bytes,
        sha256 = b.Sha256,
        existed = b.Existed,
        tables = b.Tables,
        new_tables = b.NewTables,
        skipped = b.Skipped,
        created_at = b.CreatedAt,
        verified_at = b.VerifiedAt,
    };
}
