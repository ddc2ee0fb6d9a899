using System.CommandLine;
using System.Globalization;
using Cutover.Cli.Infrastructure;
using Cutover.Errors;
using Cutover.Plan;
using Cutover.Sqlite;
using Cutover.Values;

namespace Cutover.Cli.Commands;

/// <summary><c>cutover idmap PLAN ENTITY [KEY]</c>: old key → new ULID, one key or the whole map.</summary>
internal static class IdMapCommand
{
    public sealed record Options(string Plan, string Entity, string? Key, bool Json);

    public static Command Build()
    {
        var plan = CommonOptions.Plan();
        var entity = new Argument<string>("ENTITY") { Description = "A re-keyed entity of the plan" };
        var key = new Argument<string?>("KEY") { Description = "An old key; omit to list the whole map", Arity = ArgumentArity.ZeroOrOne };
        var json = CommonOptions.Json();
        var cmd = new Command("idmap", "Show the new id given to an old key of a re-keyed entity (or the whole map).")
        {
            plan, entity, key, json,
        };
        cmd.SetAction((r, ct) => RunAsync(new Options(r.GetValue(plan)!, r.GetValue(entity)!, r.GetValue(key), r.GetValue(json)), ct));
        return cmd;
    }

    public static Task<int> RunAsync(Options o, CancellationToken ct) => CliRuntime.GuardAsync("idmap", o.Json, async () =>
    {
        var plan = PlanLoader.Load(o.Plan);
        var entity = plan.FindEntity(o.Entity)
            ?? throw new CutoverException(ErrorCodes.UsageInvalid, $"'{o.Entity}' is not an entity of plan '{plan.Name}'");
        if (entity.Rekey is null)
        {
            throw new CutoverException(ErrorCodes.UsageInvalid, $"entity '{entity.Name}' is not re-keyed, so it has no id map; re-keyed: {string.Join(", ", plan.Entities.Where(e => e.Rekey is not null).Select(e => e.Name))}");
        }
        await using var state = await CliRuntime.OpenStateAsync(plan, create: false, lockPlan: false, ct).ConfigureAwait(false)
            ?? throw new CutoverException(ErrorCodes.NoRun, $"no state for plan '{plan.Name}' yet: run cutover migrate first");
        var pairs = new List<KeyValuePair<object, string>>();
        if (o.Key is not null)
        {
            // The old key may have been stored as text or as an integer; try the text first, as typed.
            await foreach (var kv in state.ListIdsAsync(entity.Name, o.Key, ct).ConfigureAwait(false))
            {
                pairs.Add(kv);
            }
            if (pairs.Count == 0 && long.TryParse(o.Key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                await foreach (var kv in state.ListIdsAsync(entity.Name, n, ct).ConfigureAwait(false))
                {
                    pairs.Add(kv);
                }
            }
            if (pairs.Count == 0)
            {
                throw new CutoverException(ErrorCodes.IdNotMapped, $"{entity.Name} key '{o.Key}' has no new id in the map");
            }
        }
        if (o.Json)
        {
            if (o.Key is not null)
            {
                CliRuntime.WriteJson(new { entity = entity.Name, old = Value.Display(pairs[0].Key), @new = pairs[0].Value });
                return ExitCodes.Ok;
            }
            // Streamed as JSON lines' worth of array items so a large map never sits in memory.
            Console.Out.Write("{\"entity\":" + System.Text.Json.JsonSerializer.Serialize(entity.Name) + ",\"map\":[");
            var first = true;
            await foreach (var kv in state.ListIdsAsync(entity.Name, null, ct).ConfigureAwait(false))
            {
                Console.Out.Write((first ? "\n" : ",\n") + System.Text.Json.JsonSerializer.Serialize(new { old = Value.Display(kv.Key), @new = kv.Value }));
                first = false;
            }
            Console.Out.WriteLine("\n]}");
            return ExitCodes.Ok;
        }
        var source = o.Key is not null ? ToAsync(pairs) : state.ListIdsAsync(entity.Name, null, ct);
        await foreach (var kv in source.ConfigureAwait(false))
        {
            Console.Out.WriteLine($"{Value.Display(kv.Key)}\t{kv.Value}");
        }
        return ExitCodes.Ok;
    });

    private static async IAsyncEnumerable<KeyValuePair<object, string>> ToAsync(IEnumerable<KeyValuePair<object, string>> items)
    {
        foreach (var i in items)
        {
            yield return i;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }
}
