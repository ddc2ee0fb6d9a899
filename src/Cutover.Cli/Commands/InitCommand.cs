using System.CommandLine;
using Cutover.Cli.Infrastructure;
using Cutover.Plan;

namespace Cutover.Cli.Commands;

/// <summary><c>cutover init --source URI --target URI</c>: prints a starter plan found by inspecting the source.</summary>
internal static class InitCommand
{
    public sealed record Options(string Source, string Target, string? Name);

    public static Command Build()
    {
        var source = new Option<string>("--source") { Description = "Source store, e.g. sqlite:app.db or postgres://user:password@host/db", Required = true };
        var target = new Option<string>("--target") { Description = "Target store, e.g. sqlite:app_v2.db or postgres://user:password@host/db", Required = true };
        var name = new Option<string?>("--name") { Description = "Plan name (default: from the source file name)" };
        var cmd = new Command("init", "Print a starter plan (YAML) for the source: every table, its key, columns and references, parents first.")
        {
            source, target, name,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(source)!, r.GetValue(target)!, r.GetValue(name)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("init", json: false, async () =>
    {
        var cwd = Directory.GetCurrentDirectory();
        CliRuntime.RememberStores(o.Source, o.Target);
        await using var source = await CliRuntime.Registry.For(o.Source, "source").OpenSourceAsync(o.Source, cwd, ct).ConfigureAwait(false);
        var schema = await source.InspectAsync(ct).ConfigureAwait(false);
        var name = o.Name ?? DefaultName(o.Source);
        Console.Out.Write(StarterPlan.Write(schema, o.Source, o.Target, name));
        return Errors.ExitCodes.Ok;
    });

    private static string DefaultName(string uri)
    {
        var stem = Path.GetFileNameWithoutExtension(uri.Split(':', 2)[^1].TrimEnd('/'));
        var clean = new string(stem.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray()).Trim('-');
        return (clean.Length == 0 ? "migration" : clean) + "-migration";
    }
}
